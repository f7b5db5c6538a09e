package dev.switchboard.redis;

import dev.switchboard.core.auth.SharedKeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what a shared key store tells its listeners. */
final class KeyChangeRecorder implements SharedKeyStore.Listener {
  final List<String> hashes = new CopyOnWriteArrayList<>();
  final AtomicInteger missed = new AtomicInteger();

  @Override
  public void keyChanged(String hash) {
    hashes.add(hash);
  }

  @Override
  public void changesMissed() {
    missed.incrementAndGet();
  }
}
