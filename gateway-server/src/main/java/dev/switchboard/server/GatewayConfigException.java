package dev.switchboard.server;

import java.util.List;
import java.util.Objects;

/**
 * The configuration file (or the environment it refers to) is unusable. {@link #problems()} lists
 * every problem found, each naming the field by its path, e.g.
 * {@code models.gpt-4o-mini.deployments[1].provider: unknown provider 'claud'}; the message lists them
 * all, one per line, under the file's name.
 */
public final class GatewayConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final List<String> problems;

  /**
   * @param source the file (or other source) the problems are in, e.g. {@code gateway.yaml}
   * @param problems at least one, each {@code "<path>: <what is wrong>"}
   */
  public GatewayConfigException(String source, List<String> problems) {
    super(message(source, problems));
    this.source = source;
    this.problems = List.copyOf(problems);
  }

  private static String message(String source, List<String> problems) {
    Objects.requireNonNull(source, "source");
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems must not be empty");
    }
    StringBuilder sb = new StringBuilder("invalid configuration in ").append(source).append(':');
    for (String p : problems) {
      sb.append("\n  - ").append(p);
    }
    return sb.toString();
  }

  /** Where the problems are, e.g. the file name; never null. */
  public String source() {
    return source;
  }

  /** Every problem, {@code "<path>: <what is wrong>"}, section by section; never empty. */
  public List<String> problems() {
    return problems;
  }
}
