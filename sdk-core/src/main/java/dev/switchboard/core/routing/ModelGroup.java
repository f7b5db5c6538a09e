package dev.switchboard.core.routing;

import dev.switchboard.core.cache.CacheSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A public model name ({@code "gpt-4o"}, {@code "fast"}) and the deployments that serve it.
 *
 * <p>Callers name the group in {@code ChatRequest.model}; the group's {@link #strategy()} orders its
 * deployments for each call and the engine tries them in that order. On a context-window-exceeded or
 * content-policy error the call may move on to another group ({@link #contextWindowFallback()},
 * {@link #contentPolicyFallback()}), once per call. Immutable and thread-safe.
 */
public final class ModelGroup {

  private final String name;
  private final RoutingStrategy strategy;
  private final List<Deployment> deployments;
  private final String contextWindowFallback;
  private final String contentPolicyFallback;
  private final CacheSettings cache;

  private ModelGroup(Builder b) {
    this.name = b.name;
    this.strategy = b.strategy;
    this.deployments = List.copyOf(b.deployments);
    this.contextWindowFallback = b.contextWindowFallback;
    this.contentPolicyFallback = b.contentPolicyFallback;
    this.cache = b.cache;
  }

  /**
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.strategy = strategy;
    b.deployments.addAll(deployments);
    b.contextWindowFallback = contextWindowFallback;
    b.contentPolicyFallback = contentPolicyFallback;
    b.cache = cache;
    return b;
  }

  public String name() {
    return name;
  }

  public RoutingStrategy strategy() {
    return strategy;
  }

  /** In declaration order; never empty. */
  public List<Deployment> deployments() {
    return deployments;
  }

  /** The group to retry in when the prompt is too long for this one, or null. */
  public String contextWindowFallback() {
    return contextWindowFallback;
  }

  /** The group to retry in when this one's provider refuses on content policy, or null. */
  public String contentPolicyFallback() {
    return contentPolicyFallback;
  }

  /**
   * This group's cache mode and TTL, replacing the client's; null when the group follows the
   * client's {@code cache(CacheSettings)}.
   */
  public CacheSettings cache() {
    return cache;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ModelGroup)) {
      return false;
    }
    ModelGroup that = (ModelGroup) o;
    return name.equals(that.name) && strategy.equals(that.strategy) && deployments.equals(that.deployments)
        && Objects.equals(contextWindowFallback, that.contextWindowFallback)
        && Objects.equals(contentPolicyFallback, that.contentPolicyFallback) && Objects.equals(cache, that.cache);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, strategy, deployments, contextWindowFallback, contentPolicyFallback, cache);
  }

  @Override
  public String toString() {
    return "ModelGroup{" + name + ", strategy=" + strategy + ", deployments=" + deployments + "}";
  }

  /** Builds a {@link ModelGroup}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private RoutingStrategy strategy = RoutingStrategy.fallback();
    private final List<Deployment> deployments = new ArrayList<>();
    private String contextWindowFallback;
    private String contentPolicyFallback;
    private CacheSettings cache;

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("model group name must not be blank");
      }
      this.name = name;
    }

    /** Default: {@link RoutingStrategy#fallback()}. */
    public Builder strategy(RoutingStrategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    public Builder deployment(Deployment deployment) {
      deployments.add(Objects.requireNonNull(deployment, "deployment"));
      return this;
    }

    /** Shortcut for {@code deployment(Deployment.of(provider, model))}. */
    public Builder deployment(String provider, String model) {
      return deployment(Deployment.of(provider, model));
    }

    public Builder contextWindowFallback(String group) {
      this.contextWindowFallback = group;
      return this;
    }

    public Builder contentPolicyFallback(String group) {
      this.contentPolicyFallback = group;
      return this;
    }

    /**
     * Caches this group's answers with these settings' {@link CacheSettings#mode() mode} and
     * {@link CacheSettings#ttl() TTL} instead of the client's (e.g. {@link CacheSettings#off()} for
     * a group that must never be cached, or {@code CacheMode.ALL} for one whose answers may be
     * reused). The in-process bounds are client-wide; the ones given here are ignored. Setting this
     * on any group turns the cache on even when the client has no {@code cache(...)}. Null (the
     * default) follows the client.
     */
    public Builder cache(CacheSettings cache) {
      this.cache = cache;
      return this;
    }

    /**
     * @throws IllegalStateException if there is no deployment, or two share an id, or a fallback
     *     group names this group
     */
    public ModelGroup build() {
      if (deployments.isEmpty()) {
        throw new IllegalStateException("model group '" + name + "' has no deployments");
      }
      Set<String> ids = new HashSet<>();
      for (Deployment d : deployments) {
        if (!ids.add(d.id())) {
          throw new IllegalStateException("model group '" + name + "' lists deployment '" + d.id() + "' twice");
        }
      }
      if (name.equals(contextWindowFallback) || name.equals(contentPolicyFallback)) {
        throw new IllegalStateException("model group '" + name + "' cannot fall back to itself");
      }
      return new ModelGroup(this);
    }
  }
}
