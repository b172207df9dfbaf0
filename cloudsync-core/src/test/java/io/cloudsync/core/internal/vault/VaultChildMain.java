package io.cloudsync.core.internal.vault;

import io.cloudsync.Secret;
import io.cloudsync.VaultException;
import io.cloudsync.core.Vaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs in a child JVM started by {@link VaultProcessTest}: either one of two concurrent writers, or
 * a scenario that exercises every vault path with sentinel secrets while slf4j-simple logs to a file.
 */
public final class VaultChildMain {

    private VaultChildMain() {
    }

    /**
     * Entry point.
     *
     * @param args {@code write <file> <prefix> <count> <startSignal>} or {@code scenario <dir>}
     * @throws Exception any failure, which makes the exit status non-zero
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "write" -> write(Path.of(args[1]), args[2], Integer.parseInt(args[3]), Path.of(args[4]));
            case "scenario" -> scenario(Path.of(args[1]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void write(Path file, String prefix, int count, Path startSignal) throws InterruptedException {
        Secret passphrase = Vaults.passphraseFrom(System.getenv(), null, List.of());
        FileVault vault = FileVault.open(file, passphrase, VaultFixtures.CHEAP);
        for (int i = 0; i < 6000 && !Files.exists(startSignal); i++) {
            Thread.sleep(10);
        }
        for (int i = 0; i < count; i++) {
            vault.set(prefix + ".k" + i, Secret.of(prefix + "-value-" + i));
        }
    }

    private static void scenario(Path dir) throws Exception {
        Logger log = LoggerFactory.getLogger("test.scenario");
        Path file = dir.resolve("config/cloudsync.secrets.json");
        Secret passphrase = Secret.of("PASS-SENTINEL-1");
        FileVault vault = FileVault.create(file, passphrase, VaultFixtures.CHEAP);
        vault.set("cloud_sync.s3.secret_access_key", Secret.of("VALUE-SENTINEL-2"));
        vault.set("cloud_sync.gdrive.credentials", Secret.of("{\"token\":\"VALUE-SENTINEL-3\"}"));
        log.info("strings vault={} scope={} secret={} keys={}", vault, vault.scope("cloud_sync"),
                vault.get("cloud_sync.s3.secret_access_key").orElseThrow(), vault.list());
        vault.store(Map.of("cloud_sync.s3.secret_access_key", Secret.of("VALUE-SENTINEL-4"),
                "cloud_sync.gdrive.credentials", Secret.of("{\"token\":\"VALUE-SENTINEL-5\"}")));
        vault.remove("cloud_sync.gdrive.credentials");
        FileVault.open(file, passphrase, VaultFixtures.CHEAP).set("cloud_sync.s3.other", Secret.of("VALUE-SENTINEL-6"));

        Secret rotated = Secret.of("PASS-SENTINEL-7");
        vault.rotatePassphrase(rotated);
        failure(log, () -> FileVault.open(file, Secret.of("PASS-SENTINEL-8"), VaultFixtures.CHEAP));
        failure(log, () -> FileVault.open(file, passphrase, VaultFixtures.CHEAP));
        FileVault.open(file, rotated, VaultFixtures.CHEAP).set("cloud_sync.s3.more", Secret.of("VALUE-SENTINEL-9"));

        VaultFixtures.damageEnvelope(file, "current");
        log.info("inspect {}", FileVault.inspect(file));
        failure(log, () -> FileVault.open(file, rotated, VaultFixtures.CHEAP));
        FileVault restored = FileVault.restoreNewestBackup(file, rotated, VaultFixtures.CHEAP);
        log.info("restored keys={}", restored.list());
        restored.set("cloud_sync.s3.again", Secret.of("VALUE-SENTINEL-18"));
        restored.purge("cloud_sync.s3.more");
        VaultFixtures.swapEnvelopes(file, 0, 1);
        failure(log, () -> FileVault.open(file, rotated, VaultFixtures.CHEAP));
        FileVault.restoreNewestBackup(file, rotated, VaultFixtures.CHEAP);
        restored.set("cloud_sync.s3.again", Secret.of("VALUE-SENTINEL-19"));
        VaultFixtures.damageEnvelope(file, "backups");
        FileVault.open(file, rotated, VaultFixtures.CHEAP).set("cloud_sync.s3.after", Secret.of("VALUE-SENTINEL-10"));

        failure(log, () -> vault.set("not a key VALUE-SENTINEL-11", Secret.of("VALUE-SENTINEL-12")));
        Path passFile = Files.writeString(dir.resolve("passfile"), "PASS-SENTINEL-13\n");
        log.info("from file {}", Vaults.passphraseFrom(Map.of(), passFile, List.of()));
        log.info("from env {}", Vaults.passphraseFrom(Map.of(Vaults.PASSPHRASE_ENV, "PASS-SENTINEL-14"), null, List.of()));
        log.info("from command {}", Vaults.passphraseFrom(Map.of(), null, List.of("echo", "PASS-SENTINEL-15")));
        failure(log, () -> Vaults.passphraseFrom(Map.of(), null, List.of("sh", "-c", "echo PASS-SENTINEL-16; exit 1")));
        failure(log, () -> Vaults.passphraseFrom(Map.of(), null, List.of("/no/such/program", "PASS-SENTINEL-17")));
        log.info("vault.scenario_done");
    }

    private static void failure(Logger log, ThrowingRunnable action) {
        try {
            action.run();
            log.error("expected a failure");
        } catch (VaultException | io.cloudsync.ConfigurationException e) {
            log.warn("failure as expected", e);
        } catch (Exception e) {
            log.error("unexpected failure", e);
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
