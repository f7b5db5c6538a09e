package dev.switchboard.core.auth;

/**
 * A {@link KeyStore} that several processes share (Redis, for several gateway instances) and that
 * tells listeners when a key changes through any of them, so that what a process remembers of a key
 * (a {@link CachingKeyStore}) can be dropped at once instead of when it expires.
 *
 * <p>Notifications are best effort: one may arrive a little after the change completed, and while the
 * store's connection is down none arrive at all; {@link Listener#changesMissed()} follows once they
 * resume. Whoever remembers keys must therefore still bound how long it keeps them.
 *
 * <p>Implementations must be thread-safe.
 */
public interface SharedKeyStore extends KeyStore {

  /**
   * Tells {@code listener} about every change from now on. A listener registered twice is told once.
   * The store may open what it listens with (a connection) on the first registration.
   *
   * @throws NullPointerException if {@code listener} is null
   */
  void addChangeListener(Listener listener);

  /**
   * Stops telling {@code listener}; does nothing when it is not registered. Once no listener is left
   * the store closes what it listened with.
   *
   * @throws NullPointerException if {@code listener} is null
   */
  void removeChangeListener(Listener listener);

  /**
   * Told about changes to the keys of a {@link SharedKeyStore}. Called on the store's I/O thread, one
   * notification at a time: implementations must return quickly, never block and never throw.
   */
  interface Listener {

    /**
     * The key with this SHA-256 hash ({@link ApiKeys#hash}) was created, revoked or otherwise changed,
     * by this process or another one. Never the key itself.
     */
    void keyChanged(String hash);

    /**
     * Changes may have gone unnoticed: notifications have just started, or resumed after an
     * interruption (a reconnect). Anything read from the store before may be stale.
     */
    void changesMissed();
  }
}
