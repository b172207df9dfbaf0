package io.cloudsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsync.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudSyncConfigTest {

    @TempDir
    Path dir;

    private CloudSyncConfig load(String json) throws Exception {
        return CloudSyncConfig.load(Files.writeString(dir.resolve("cloudsync.json"), json));
    }

    @Test
    void load_missingFile_givesDefaultsWithEveryFlagOff() {
        CloudSyncConfig config = CloudSyncConfig.load(dir.resolve("absent.json"));

        assertThat(config.enabled("enable_cloud_sync")).isFalse();
        assertThat(config.enabled("enable_cloud_sync_s3")).isFalse();
        assertThat(config.services()).isEmpty();
    }

    @Test
    void load_fullFile_readsFlagsSyncAndServices() throws Exception {
        CloudSyncConfig config = load("""
                {"features": {"enable_cloud_sync": true, "enable_cloud_sync_s3": true, "enable_cloud_sync_gdrive": false},
                 "sync": {"include": ["data", "assets"], "exclude": ["**/*.tmp"], "snapshot_prefix": "proj-",
                          "parallelism": 4, "retry_attempts": 3, "delete_guard_max_fraction": 0.25},
                 "services": {"s3": {"bucket": "b", "path_style": true, "part_size": 8388608}}}
                """);

        assertThat(config.enabled("enable_cloud_sync_s3")).isTrue();
        assertThat(config.enabled("enable_cloud_sync_gdrive")).isFalse();
        assertThat(config.include()).containsExactly("data", "assets");
        assertThat(config.exclude()).containsExactly("**/*.tmp");
        assertThat(config.snapshotPrefix()).isEqualTo("proj-");
        assertThat(config.engine().parallelism()).isEqualTo(4);
        assertThat(config.engine().retryAttempts()).isEqualTo(3);
        assertThat(config.engine().deleteGuardMaxFraction()).isEqualTo(0.25);
        assertThat(config.service("s3")).containsEntry("bucket", "b").containsEntry("path_style", "true")
                .containsEntry("part_size", "8388608");
    }

    @Test
    void load_leaseSeconds_setsTheRemoteLeasesTtl_zeroTurnsItOff_andBadValuesAreNamed() throws Exception {
        assertThat(load("{}").engine().leaseTtl()).isEqualTo(java.time.Duration.ofSeconds(120));
        assertThat(load("{\"sync\": {\"lease_seconds\": 300}}").engine().leaseTtl()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(load("{\"sync\": {\"lease_seconds\": 0}}").engine().leaseTtl()).isZero();
        assertThatThrownBy(() -> load("{\"sync\": {\"lease_seconds\": -1}}"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("\"sync.lease_seconds\" must be a whole number from 0 to 86400");
    }

    @Test
    void load_bwlimit_readsTheRateSyntax_offOrMissingIsNone_andBadValuesAreNamed() throws Exception {
        assertThat(load("{}").engine().bandwidthLimit()).isZero();
        assertThat(load("{\"sync\": {\"bwlimit\": \"8M\"}}").engine().bandwidthLimit()).isEqualTo(8L << 20);
        assertThat(load("{\"sync\": {\"bwlimit\": \"1.5M\"}}").engine().bandwidthLimit()).isEqualTo(1_572_864L);
        assertThat(load("{\"sync\": {\"bwlimit\": \"512\"}}").engine().bandwidthLimit()).isEqualTo(512L << 10);
        assertThat(load("{\"sync\": {\"bwlimit\": \"off\"}}").engine().bandwidthLimit()).isZero();
        assertThat(load("{\"sync\": {\"bwlimit\": null}}").engine().bandwidthLimit()).isZero();
        assertThatThrownBy(() -> load("{\"sync\": {\"bwlimit\": \"8MB\"}}"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("\"sync.bwlimit\"")
                .hasMessageContaining("\"8MB\"").hasMessageContaining("binary");
        assertThatThrownBy(() -> load("{\"sync\": {\"bwlimit\": \"fast\"}}"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("\"sync.bwlimit\"")
                .hasMessageContaining("\"fast\"").hasMessageContaining("512k, 8M, 1.5M or 1G");
        assertThatThrownBy(() -> load("{\"sync\": {\"bwlimit\": true}}"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("\"sync.bwlimit\" must be a string");
        // a number is refused rather than read as KiB/s, which 8388608 meant as bytes would be
        assertThatThrownBy(() -> load("{\"sync\": {\"bwlimit\": 8388608}}"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("\"sync.bwlimit\" must be a string")
                .hasMessageContaining("8388608");
    }

    @Test
    void load_invalidJson_namesTheFileAndPosition() throws Exception {
        assertThatThrownBy(() -> load("{\"features\": {\"enable_cloud_sync\": true,}}"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cloudsync.json is not valid JSON")
                .hasMessageContaining("line 1");
    }

    @Test
    void load_flagOfWrongType_namesTheKeyAndWhatWasExpected() throws Exception {
        assertThatThrownBy(() -> load("{\"features\": {\"enable_cloud_sync\": \"yes\"}}"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cloudsync.json")
                .hasMessageContaining("\"features.enable_cloud_sync\" must be true or false, found string \"yes\"");
    }

    @Test
    void load_unknownKeys_areReportedNotIgnored() throws Exception {
        assertThatThrownBy(() -> load("{\"feature\": {}}"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown key \"feature\"");
        assertThatThrownBy(() -> load("{\"sync\": {\"paralelism\": 3}}"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown key \"sync.paralelism\"");
    }

    @Test
    void load_badValues_nameTheKey() throws Exception {
        assertThatThrownBy(() -> load("{\"sync\": {\"include\": \"data\"}}"))
                .hasMessageContaining("\"sync.include\" must be an array of strings");
        assertThatThrownBy(() -> load("{\"sync\": {\"parallelism\": 0}}"))
                .hasMessageContaining("\"sync.parallelism\" must be a whole number from 1 to 256");
        assertThatThrownBy(() -> load("{\"sync\": {\"delete_guard_max_fraction\": 2}}"))
                .hasMessageContaining("\"sync.delete_guard_max_fraction\" must be a number from 0 to 1");
        assertThatThrownBy(() -> load("{\"services\": {\"s3\": {\"bucket\": {\"name\": \"b\"}}}}"))
                .hasMessageContaining("\"services.s3.bucket\" must be a string, number or boolean");
        assertThatThrownBy(() -> load("[1, 2]")).hasMessageContaining("must be a JSON object");
    }

    @Test
    void serviceFlag_followsTheNamingRule() {
        assertThat(CloudSyncConfig.serviceFlag("s3")).isEqualTo("enable_cloud_sync_s3");
        assertThat(CloudSyncConfig.serviceFlag("my-remote")).isEqualTo("enable_cloud_sync_my_remote");
    }
}
