package dev.switchboard.core.model;

import java.util.Objects;

/**
 * The author of a {@link Message}: an open value class rather than an enum, so that a role a
 * provider adds tomorrow is carried through instead of failing.
 *
 * <p>Immutable and thread-safe. Equal when their values are equal; {@link #of(String)} returns the
 * constant for known values, so known roles may also be compared with {@code ==}.
 */
public final class Role {

  /** Instructions from the application ({@code "system"}). */
  public static final Role SYSTEM = new Role("system");
  /** Instructions from the developer, which newer OpenAI models prefer to system ({@code "developer"}). */
  public static final Role DEVELOPER = new Role("developer");
  /** The end user ({@code "user"}). */
  public static final Role USER = new Role("user");
  /** The model ({@code "assistant"}). */
  public static final Role ASSISTANT = new Role("assistant");
  /** The result of a tool call ({@code "tool"}). */
  public static final Role TOOL = new Role("tool");

  private final String value;

  private Role(String value) {
    this.value = value;
  }

  /**
   * Returns the role with this wire value: the constant when known, otherwise a new instance.
   *
   * @throws NullPointerException if {@code value} is null
   */
  public static Role of(String value) {
    Objects.requireNonNull(value, "role");
    switch (value) {
      case "system":
        return SYSTEM;
      case "developer":
        return DEVELOPER;
      case "user":
        return USER;
      case "assistant":
        return ASSISTANT;
      case "tool":
        return TOOL;
      default:
        return new Role(value);
    }
  }

  /** The wire value, e.g. {@code "user"}; never null. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof Role && value.equals(((Role) o).value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** The wire value. */
  @Override
  public String toString() {
    return value;
  }
}
