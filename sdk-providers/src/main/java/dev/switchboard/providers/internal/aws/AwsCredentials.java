package dev.switchboard.providers.internal.aws;

import java.util.Objects;

/**
 * An AWS access key pair, optionally with the session token of temporary (STS) credentials.
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows at most the first four characters of the
 * access key id and never the secret or the token.
 */
public final class AwsCredentials {

  private final String accessKeyId;
  private final String secretAccessKey;
  private final String sessionToken;

  private AwsCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.sessionToken = sessionToken;
  }

  /**
   * Credentials from their parts.
   *
   * @param sessionToken the session token of temporary credentials; null or blank for none
   * @throws NullPointerException if {@code accessKeyId} or {@code secretAccessKey} is null
   * @throws IllegalArgumentException if {@code accessKeyId} or {@code secretAccessKey} is blank
   */
  public static AwsCredentials of(String accessKeyId, String secretAccessKey, String sessionToken) {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    if (accessKeyId.isBlank()) {
      throw new IllegalArgumentException("accessKeyId must not be blank");
    }
    if (secretAccessKey.isBlank()) {
      throw new IllegalArgumentException("secretAccessKey must not be blank");
    }
    return new AwsCredentials(accessKeyId.strip(), secretAccessKey.strip(),
        sessionToken == null || sessionToken.isBlank() ? null : sessionToken.strip());
  }

  /** The access key id; never null. */
  public String accessKeyId() {
    return accessKeyId;
  }

  /** The secret access key; never null. */
  public String secretAccessKey() {
    return secretAccessKey;
  }

  /** The session token, or null for long-term credentials. */
  public String sessionToken() {
    return sessionToken;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof AwsCredentials)) {
      return false;
    }
    AwsCredentials that = (AwsCredentials) o;
    return accessKeyId.equals(that.accessKeyId) && secretAccessKey.equals(that.secretAccessKey)
        && Objects.equals(sessionToken, that.sessionToken);
  }

  @Override
  public int hashCode() {
    return Objects.hash(accessKeyId, secretAccessKey, sessionToken);
  }

  @Override
  public String toString() {
    String id = accessKeyId.length() <= 4 ? "****" : accessKeyId.substring(0, 4) + "****";
    return "AwsCredentials{accessKeyId=" + id + ", secretAccessKey=****, sessionToken="
        + (sessionToken == null ? "none" : "****") + "}";
  }
}
