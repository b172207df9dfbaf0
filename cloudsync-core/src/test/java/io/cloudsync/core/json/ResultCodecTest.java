package io.cloudsync.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudsync.BackupException;
import io.cloudsync.Manifest;
import io.cloudsync.ManifestEntry;
import io.cloudsync.Plan;
import io.cloudsync.PlanRefusedException;
import io.cloudsync.SyncAction;
import io.cloudsync.SyncError;
import io.cloudsync.SyncStatus;
import io.cloudsync.SyncSummary;
import io.cloudsync.core.ManifestBuilder;
import io.cloudsync.core.PlanSource;
import io.cloudsync.core.Planner;
import io.cloudsync.core.RetentionPolicy;
import io.cloudsync.core.result.BackupCreateResult;
import io.cloudsync.core.result.BackupInfo;
import io.cloudsync.core.result.BackupPruneResult;
import io.cloudsync.core.result.BackupRestoreResult;
import io.cloudsync.core.result.BackupVerifyResult;
import io.cloudsync.core.result.PullResult;
import io.cloudsync.core.result.SyncResult;
import io.cloudsync.core.result.VerifyResult;
import io.cloudsync.support.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden JSON of every result: the documents of docs/FORMATS.md, "Result JSON", field for field.
 * Values that are derived (checksums, the plan id) are computed from the inputs, never copied in.
 */
class ResultCodecTest {

    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00.123Z");
    private static final Instant T1 = Instant.parse("2024-04-30T08:00:00Z");
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);

    private static JsonNode parse(String json) throws Exception {
        return Json.mapper().readTree(json);
    }

    /** As a reader sees it: written and parsed again (a tree built with long values differs from a parsed one). */
    private static JsonNode written(JsonNode doc) throws Exception {
        return parse(Json.mapper().writeValueAsString(doc));
    }

    private static Manifest manifest(String name, List<ManifestEntry> entries) {
        return new Manifest(name, "/srv/project", T0, entries, Manifest.checksumOf(entries));
    }

    @Test
    void syncResult_isTheDocumentedShape_withTypedErrors() throws Exception {
        ManifestEntry a = new ManifestEntry("a.txt", 5, T1, A);
        ManifestEntry b = new ManifestEntry("b.txt", 7, T1, B);
        ManifestEntry old = new ManifestEntry("old.txt", 3, T1, C);
        Manifest local = manifest("nightly", List.of(a, b));
        Manifest remote = manifest("nightly", List.of(b, old));
        Plan plan = Planner.plan(local, remote);
        SyncSummary summary = new SyncSummary(SyncStatus.PARTIAL, 0, 1, 1, 1, 0, Duration.ofMillis(31),
                List.of(new SyncError(SyncAction.UPLOAD, "a.txt", SyncError.Kind.UNAVAILABLE, "503 from the remote")),
                0, 0, 0);
        ManifestBuilder.Result scan = new ManifestBuilder.Result(local, List.of("docs/link: symbolic link, not followed"),
                List.of(), 1, 1, List.of(), List.of(), 0);
        SyncResult r = new SyncResult("local", "nightly", local, plan, summary, remote, PlanSource.REMOTE,
                "read from the remote", scan, List.of());

        String expected = """
                {"manifest": {"name": "nightly", "root": "/srv/project", "created_at": "2024-05-01T10:00:00.123Z",
                              "entries": [{"path": "a.txt", "size": 5, "mtime": "2024-04-30T08:00:00Z", "sha256": "%1$s"},
                                          {"path": "b.txt", "size": 7, "mtime": "2024-04-30T08:00:00Z", "sha256": "%2$s"}],
                              "checksum": "%4$s"},
                 "plan": {"id": "%6$s",
                          "uploads": [{"path": "a.txt", "size": 5, "sha256": "%1$s", "reason": "new"}],
                          "deletes": [{"path": "old.txt", "size": 3, "sha256": "%3$s", "reason": "removed"}],
                          "skipped": [{"path": "b.txt", "size": 7, "sha256": "%2$s", "reason": "unchanged"}],
                          "bytes": 5},
                 "summary": {"status": "partial", "uploaded": 0, "deleted": 1, "skipped": 1, "failed": 1, "bytes": 0,
                             "bytes_sent": 0, "resumed": 0, "resumed_bytes": 0, "copied": 0, "duration_ms": 31,
                             "errors": [{"action": "upload", "path": "a.txt", "kind": "unavailable",
                                         "category": "transient", "message": "503 from the remote",
                                         "error": "unavailable: 503 from the remote"}]},
                 "remote_manifest": {"name": "nightly", "root": "/srv/project", "created_at": "2024-05-01T10:00:00.123Z",
                              "entries": [{"path": "b.txt", "size": 7, "mtime": "2024-04-30T08:00:00Z", "sha256": "%2$s"},
                                          {"path": "old.txt", "size": 3, "mtime": "2024-04-30T08:00:00Z", "sha256": "%3$s"}],
                              "checksum": "%5$s"},
                 "plan_source": "remote",
                 "plan_source_note": "read from the remote",
                 "scope": [],
                 "scan": {"unreadable": [], "skipped": ["docs/link: symbolic link, not followed"], "warnings": [],
                          "invalid_names": 0, "hashed": 1, "reused": 1},
                 "skipped_paths": [{"path": "docs/link", "reason": "symbolic link, not followed"}],
                 "refusal": null}
                """.formatted(A, B, C, local.checksum(), remote.checksum(), plan.id());
        assertThat(written(ResultCodec.result(r))).isEqualTo(parse(expected));
    }

    @Test
    void syncResult_ofARefusedDryRun_carriesTheRefusalWithItsCategory() {
        Manifest local = manifest("nightly", List.of());
        Plan plan = Planner.plan(local, local);
        SyncSummary summary = new SyncSummary(SyncStatus.DRY_RUN, 0, 0, 0, 0, 0, Duration.ZERO, List.of(), 0, 0, 0);
        ManifestBuilder.Result scan = new ManifestBuilder.Result(local, List.of(), List.of(), 0, 0, List.of(), List.of(), 0);
        SyncResult r = new SyncResult("local", "nightly", local, plan, summary, null, PlanSource.NONE, "none", scan,
                List.of("docs"), new PlanRefusedException(PlanRefusedException.Reason.DELETE_GUARD, plan, "too many deletes"));

        JsonNode doc = ResultCodec.result(r);

        assertThat(doc.path("refusal").path("reason").asText()).isEqualTo("delete_guard");
        assertThat(doc.path("refusal").path("category").asText()).isEqualTo("delete_guard");
        assertThat(doc.path("refusal").path("message").asText()).isEqualTo("too many deletes");
        assertThat(doc.path("remote_manifest").isNull()).isTrue();
        assertThat(doc.path("scope").toString()).isEqualTo("[\"docs\"]");
        assertThat(doc.path("summary").path("status").asText()).isEqualTo("dry_run");
    }

    @Test
    void pull_isTheDocumentedShape_withDownloadErrors() throws Exception {
        Manifest m = manifest("nightly", List.of(new ManifestEntry("a.txt", 5, T1, A)));
        PullResult r = new PullResult("local", "nightly", Path.of("/tmp/out"), m, SyncStatus.FAILED, 0, 0, 1, 0,
                Duration.ofMillis(12), List.of(new SyncError(SyncAction.DOWNLOAD, "a.txt", SyncError.Kind.NOT_FOUND, "gone")));

        JsonNode doc = ResultCodec.pull(r);

        assertThat(written(doc.path("pull"))).isEqualTo(parse("""
                {"service": "local", "snapshot": "nightly", "target": "%s", "status": "failed", "written": 0,
                 "skipped_existing": 0, "failed": 1, "bytes": 0, "duration_ms": 12,
                 "errors": [{"action": "download", "path": "a.txt", "kind": "not_found", "category": "not_found",
                             "message": "gone", "error": "not_found: gone"}]}
                """.formatted(Path.of("/tmp/out").toString().replace("\\", "\\\\"))));
        assertThat(doc.path("remote_manifest")).isEqualTo(ResultCodec.manifest(m));
    }

    @Test
    void verify_isTheDocumentedShape() throws Exception {
        Manifest m = manifest("nightly", List.of(new ManifestEntry("a.txt", 5, T1, A), new ManifestEntry("b.txt", 7, T1, B)));
        VerifyResult r = new VerifyResult("local", "nightly", m, true, 10, 1, 0, 0, 0,
                List.of(new VerifyResult.Problem("b.txt", VerifyResult.ProblemKind.DIGEST_MISMATCH, "expected bbbb")),
                List.of("stray.bin"), Duration.ofMillis(40));

        assertThat(written(ResultCodec.verify(r))).isEqualTo(parse("""
                {"verify": {"service": "local", "snapshot": "nightly", "ok": false, "listed": true, "sample_percent": 10,
                            "files": 2, "verified_by_digest": 1, "verified_by_download": 0, "verified_by_size": 0,
                            "unchecked": 0,
                            "problems": [{"path": "b.txt", "kind": "digest_mismatch", "detail": "expected bbbb"}],
                            "extra": ["stray.bin"], "duration_ms": 40}}
                """));
    }

    @Test
    void backupCreate_usesBytesAndArchiveBytes_withTheOldHttpNamesAsAliases() throws Exception {
        BackupCreateResult r = new BackupCreateResult("20240501T100000Z-nightly.zip", Path.of("/p/backups/cloud/x.zip"),
                "nightly", 2, 1, 12, 300, C, List.of("assets"), List.of("data/link: symbolic link"), List.of("old.zip"),
                List.of("data"));

        assertThat(written(ResultCodec.backupCreate(r))).isEqualTo(parse("""
                {"backup": {"action": "create", "name": "20240501T100000Z-nightly.zip", "archive": "%s",
                            "label": "nightly", "files": 2, "folders": 1, "bytes": 12, "archive_bytes": 300,
                            "manifest_checksum": "%s", "paths": ["data"], "missing_paths": ["assets"],
                            "skipped": ["data/link: symbolic link"], "rotated": ["old.zip"], "retention": null,
                            "total_bytes": 12, "size": 300}}
                """.formatted(Path.of("/p/backups/cloud/x.zip").toString().replace("\\", "\\\\"), C)));
    }

    @Test
    void backupPrune_andACreateWithAPolicy_areTheDocumentedShapes() throws Exception {
        BackupPruneResult pruned = new BackupPruneResult(RetentionPolicy.builder().keepLast(1).keepDaily(2).build(), true,
                List.of(new BackupPruneResult.Item("2.zip", "b", T0, List.of("last", "daily 2024-05-01")),
                        new BackupPruneResult.Item("1.zip", "a", T1, List.of("daily 2024-04-30"))),
                List.of(new BackupPruneResult.Item("0.zip", "z", T1.minusSeconds(60), List.of())),
                List.of("x.zip: java.nio.file.AccessDeniedException: x.zip"));
        assertThat(written(ResultCodec.backupPrune(pruned))).isEqualTo(parse("""
                {"backup": {"action": "prune", "dry_run": true,
                            "policy": {"keep_last": 1, "keep_daily": 2, "keep_weekly": 0, "keep_monthly": 0},
                            "kept": [{"name": "2.zip", "label": "b", "created_at": "2024-05-01T10:00:00.123Z",
                                      "reasons": ["last", "daily 2024-05-01"]},
                                     {"name": "1.zip", "label": "a", "created_at": "2024-04-30T08:00:00Z",
                                      "reasons": ["daily 2024-04-30"]}],
                            "removed": [{"name": "0.zip", "label": "z", "created_at": "2024-04-30T07:59:00Z"}],
                            "failed": ["x.zip: java.nio.file.AccessDeniedException: x.zip"]}}
                """));

        BackupPruneResult afterCreate = new BackupPruneResult(RetentionPolicy.builder().keepLast(1).build(), false,
                List.of(new BackupPruneResult.Item("2.zip", "b", T0, List.of("last"))),
                List.of(new BackupPruneResult.Item("1.zip", "a", T1, List.of())), List.of());
        BackupCreateResult made = new BackupCreateResult("2.zip", Path.of("/p/2.zip"), "b", 1, 0, 5, 100, A, List.of(),
                List.of(), List.of("1.zip"), List.of("data"), afterCreate);
        assertThat(written(ResultCodec.backupCreate(made)).get("backup").get("retention")).isEqualTo(parse("""
                {"policy": {"keep_last": 1, "keep_daily": 0, "keep_weekly": 0, "keep_monthly": 0},
                 "kept": [{"name": "2.zip", "label": "b", "created_at": "2024-05-01T10:00:00.123Z", "reasons": ["last"]}],
                 "removed": [{"name": "1.zip", "label": "a", "created_at": "2024-04-30T08:00:00Z"}], "failed": []}
                """));
    }

    @Test
    void backupList_isOneBackupDocument_newestFirstAsGiven() throws Exception {
        List<BackupInfo> list = List.of(new BackupInfo("2.zip", "b", T0, 300, 2, 12, C),
                new BackupInfo("1.zip", "a", T1, 100, 1, 5, A));

        assertThat(written(ResultCodec.backupList(Path.of("/p/backups/cloud"), list))).isEqualTo(parse("""
                {"backup": {"action": "list", "folder": "%s", "backups": [
                   {"name": "2.zip", "label": "b", "created_at": "2024-05-01T10:00:00.123Z", "files": 2, "bytes": 12,
                    "archive_bytes": 300, "manifest_checksum": "%s", "entry_count": 2, "total_bytes": 12, "size": 300},
                   {"name": "1.zip", "label": "a", "created_at": "2024-04-30T08:00:00Z", "files": 1, "bytes": 5,
                    "archive_bytes": 100, "manifest_checksum": "%s", "entry_count": 1, "total_bytes": 5, "size": 100}]}}
                """.formatted(Path.of("/p/backups/cloud").toString().replace("\\", "\\\\"), C, A)));
    }

    @Test
    void backupRestoreAndVerify_areTheDocumentedShapes() throws Exception {
        BackupRestoreResult restored = new BackupRestoreResult("1.zip", Path.of("/p"), List.of("a.txt"), List.of("b.txt"),
                List.of("c.txt: a folder is in the way"), List.of("empty"), 5);
        assertThat(written(ResultCodec.backupRestore(restored))).isEqualTo(parse("""
                {"backup": {"action": "restore", "name": "1.zip", "target": "%s", "bytes": 5, "restored": ["a.txt"],
                            "skipped": ["b.txt"], "refused": ["c.txt: a folder is in the way"],
                            "folders_created": ["empty"], "bytes_written": 5}}
                """.formatted(Path.of("/p").toString().replace("\\", "\\\\"))));

        BackupVerifyResult verified = new BackupVerifyResult("1.zip", "a", T1, 1, 0, 5, 100, A);
        assertThat(written(ResultCodec.backupVerify(verified))).isEqualTo(parse("""
                {"backup": {"action": "verify", "name": "1.zip", "ok": true, "label": "a",
                            "created_at": "2024-04-30T08:00:00Z", "files": 1, "folders": 0, "bytes": 5,
                            "archive_bytes": 100, "manifest_checksum": "%s"}}
                """.formatted(A)));
    }

    @Test
    void error_namesCategoryTypeAndReason() throws Exception {
        assertThat(written(ResultCodec.error(new BackupException(BackupException.Reason.NOT_FOUND, "no such archive"))))
                .isEqualTo(parse("""
                        {"category": "not_found", "type": "backup", "message": "no such archive", "reason": "not_found"}
                        """));
        assertThat(written(ResultCodec.error(new PlanRefusedException(PlanRefusedException.Reason.LIMIT, null, "over"))))
                .isEqualTo(parse("""
                        {"category": "limit", "type": "limit", "message": "over", "reason": "limit"}
                        """));
        assertThat(written(ResultCodec.error(new IllegalStateException("boom"))))
                .isEqualTo(parse("""
                        {"category": "internal", "type": "internal", "message": "boom"}
                        """));
    }
}
