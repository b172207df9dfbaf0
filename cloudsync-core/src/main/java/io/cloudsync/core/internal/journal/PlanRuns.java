package io.cloudsync.core.internal.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.support.AtomicFiles;
import io.cloudsync.support.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the runs of an approved plan wrote to the remote manifest: so that a run which continues an
 * interrupted run of the same plan (whose withdrawal or partial commit changed the remote manifest)
 * is known to be running that plan, and not refused as if someone else had changed the remote.
 *
 * <p>{@code <state>/journal/<service>/<snapshot>.plan.json}, host-local, written through a temporary
 * file, sync and atomic move (see docs/FORMATS.md, "Plan runs"): the plan id, the local checksum it
 * was made from, and every remote manifest checksum its runs committed. One plan at a time: a run of
 * another approved plan replaces the file. A file that cannot be read counts as none (the run is then
 * refused as changed, never let through).
 */
public final class PlanRuns {

    private static final Logger LOG = LoggerFactory.getLogger(PlanRuns.class);
    private static final String FORMAT = "cloudsync-plan-run";

    private PlanRuns() {
    }

    /**
     * The file of one service and snapshot, beside its journal.
     *
     * @param stateDir the state folder
     * @param service the service
     * @param snapshot the snapshot
     * @return the path
     */
    public static Path fileOf(Path stateDir, String service, String snapshot) {
        return Journal.fileOf(stateDir, service, snapshot).resolveSibling(snapshot + ".plan.json");
    }

    /**
     * Whether a run of plan {@code planId}, made from the local checksum {@code localChecksum}, wrote
     * the remote manifest whose checksum is {@code remoteChecksum}.
     *
     * @param file the file of {@link #fileOf}
     * @param planId the approved plan's id
     * @param localChecksum the local checksum of the run asking
     * @param remoteChecksum the remote checksum the run asking found
     * @return true only when the file says so
     */
    public static boolean wrote(Path file, String planId, String localChecksum, String remoteChecksum) {
        JsonNode doc = read(file);
        return doc != null && planId.equals(doc.path("plan_id").asText()) && localChecksum.equals(doc.path("local_checksum").asText())
                && remotes(doc).contains(remoteChecksum);
    }

    /**
     * Records that a run of plan {@code planId} committed a remote manifest of checksum
     * {@code remoteChecksum}, keeping what earlier runs of the same plan and local checksum recorded.
     *
     * @param file the file of {@link #fileOf}
     * @param planId the approved plan's id
     * @param localChecksum the local checksum of the run
     * @param remoteChecksum the checksum of the manifest it committed
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void record(Path file, String planId, String localChecksum, String remoteChecksum) {
        JsonNode old = read(file);
        Set<String> remotes = new LinkedHashSet<>();
        if (old != null && planId.equals(old.path("plan_id").asText()) && localChecksum.equals(old.path("local_checksum").asText())) {
            remotes.addAll(remotes(old));
        }
        remotes.add(remoteChecksum);
        ObjectNode doc = Json.mapper().createObjectNode();
        doc.put("format", FORMAT);
        doc.put("version", 1);
        doc.put("plan_id", planId);
        doc.put("local_checksum", localChecksum);
        ArrayNode list = doc.putArray("remote_checksums");
        remotes.forEach(list::add);
        try {
            AtomicFiles.write(file, Json.mapper().writeValueAsBytes(doc));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the plan run in " + file, e);
        }
    }

    private static Set<String> remotes(JsonNode doc) {
        Set<String> out = new LinkedHashSet<>();
        doc.path("remote_checksums").forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode read(Path file) {
        try {
            JsonNode doc = Json.mapper().readTree(Files.readAllBytes(file));
            if (doc == null || !FORMAT.equals(doc.path("format").asText()) || doc.path("version").asInt() != 1) {
                LOG.atWarn().setMessage("sync.run").addKeyValue("event", "plan_run_unreadable").addKeyValue("file", file)
                        .addKeyValue("reason", "not a version 1 plan run record").log();
                return null;
            }
            return doc;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.atWarn().setMessage("sync.run").addKeyValue("event", "plan_run_unreadable").addKeyValue("file", file)
                    .addKeyValue("reason", e.getMessage()).log();
            return null;
        }
    }
}
