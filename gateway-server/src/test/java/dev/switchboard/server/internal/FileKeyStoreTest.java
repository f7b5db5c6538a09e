package dev.switchboard.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.auth.VirtualKey;
import dev.switchboard.core.cost.Budget;
import dev.switchboard.core.cost.Money;
import dev.switchboard.core.cost.SpendPeriod;
import dev.switchboard.core.testing.KeyStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileKeyStoreTest extends KeyStoreContract {

  @TempDir
  Path dir;
  private final List<FileKeyStore> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(FileKeyStore::close);
  }

  private FileKeyStore open(Path file) {
    FileKeyStore store = FileKeyStore.open(file);
    opened.add(store);
    return store;
  }

  @Override
  protected KeyStore store() {
    return open(dir.resolve("keys-" + opened.size() + ".json"));
  }

  @Test
  void reopen_afterCreateAndRevoke_readsTheSameKeys() throws Exception {
    Path file = dir.resolve("sub/keys.json"); // the directory is created too
    FileKeyStore store = open(file);
    String secret = ApiKeys.generate();
    VirtualKey key = key("key_a", secret).toBuilder().models(List.of("demo")).tier("gold")
        .limit("requests-per-minute", 10).user("alice").team("research")
        .budget(Budget.builder(Budget.Scope.KEY, SpendPeriod.MONTH, Money.of("5")).subject("key_a")
            .downgradeTo("cheap").build())
        .expiresAt(T0.plusSeconds(3600)).build();
    await(store.create(key));
    await(store.create(key("key_b", ApiKeys.generate())));
    await(store.revoke("key_b", T0.plusSeconds(5)));

    FileKeyStore again = open(file);

    assertThat(await(again.findByHash(ApiKeys.hash(secret)))).contains(key);
    assertThat(await(again.findById("key_b"))).hasValueSatisfying(k -> assertThat(k.isRevoked()).isTrue());
  }

  @Test
  void file_holdsHashesAndPrefixesButNeverTheKey() throws Exception {
    Path file = dir.resolve("keys.json");
    FileKeyStore store = open(file);
    String secret = ApiKeys.generate();

    await(store.create(key("key_a", secret)));

    String json = Files.readString(file);
    assertThat(json).doesNotContain(secret).contains("\"sha256\" : \"" + ApiKeys.hash(secret) + "\"")
        .contains(ApiKeys.displayPrefix(secret)).contains("\"version\" : 1");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file); // no temporary file left behind
    }
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
  }

  @Test
  void open_notAKeyFile_failsNamingIt() throws Exception {
    Path file = dir.resolve("keys.json");
    Files.writeString(file, "[1, 2]");

    assertThatThrownBy(() -> FileKeyStore.open(file)).isInstanceOf(IllegalStateException.class)
        .hasMessage("key file " + file + " is not a Switchboard key file: expected {\"version\":1,\"keys\":[...]}");
  }

  @Test
  void open_brokenKey_namesItsIndexAndField() throws Exception {
    Path file = dir.resolve("keys.json");
    Files.writeString(file, "{\"version\":1,\"keys\":[{\"id\":\"key_a\"}]}");

    assertThatThrownBy(() -> FileKeyStore.open(file)).isInstanceOf(IllegalStateException.class)
        .hasMessage("key file " + file + ": keys[0]: field 'sha256' is missing");
  }

  @Test
  void create_directoryNotWritable_failsAndLeavesTheKeyOut() throws Exception {
    Path blocker = dir.resolve("not-a-dir");
    FileKeyStore store = open(blocker.resolve("keys.json"));
    Files.writeString(blocker, "x"); // the directory cannot be created now
    String secret = ApiKeys.generate();

    assertThatThrownBy(() -> await(store.create(key("key_a", secret)))).hasCauseInstanceOf(java.io.IOException.class);

    assertThat(await(store.findByHash(ApiKeys.hash(secret)))).isEmpty();
    assertThat(store.health().status()).isEqualTo(dev.switchboard.core.Health.Status.DOWN);
  }
}
