package io.cloudsync.core.result;

import io.cloudsync.Manifest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link io.cloudsync.core.CloudSync#verify} found. Every entry of the remote manifest is counted exactly once:
 * verified by a digest the provider's listing reported, verified by downloading and hashing it,
 * confirmed by the listing's size only (no digest listed and not in the download sample), left
 * unchecked (the provider cannot list and the file was not in the sample), or reported as a problem.
 *
 * @param service the service verified
 * @param snapshot the snapshot, with the configured prefix applied
 * @param manifest the remote manifest checked against (with include paths, its entries under them).
 *     When the request asked for {@link io.cloudsync.SyncRequest#summaryOnly() a summary only}, it holds no
 *     entry: the real manifest's name, root and time with an empty entry list and that list's checksum;
 *     {@link #files()} then counts the files
 * @param listed whether the provider's listing was used ({@code Capability.LISTING})
 * @param samplePercent the share, 0 to 100, of files without a listed digest that were downloaded
 * @param verifiedByDigest files whose listed sha256 and size match the manifest
 * @param verifiedByDownload files downloaded whose sha256 and size match the manifest
 * @param verifiedBySize files the listing shows with the right size, not downloaded
 * @param unchecked files neither listed nor downloaded
 * @param problems missing or damaged files and failed checks, sorted by path
 * @param extra files the listing shows that the manifest does not name (left by an unfinished run,
 *     or written by something else); informational, not a problem
 * @param duration how long verification took
 * @param files the files of the manifest that were checked (with include paths, those under them):
 *     {@code manifest().entries().size()} unless the manifest was left out for a summary only
 */
public record VerifyResult(String service, String snapshot, Manifest manifest, boolean listed, int samplePercent,
                           int verifiedByDigest, int verifiedByDownload, int verifiedBySize, int unchecked,
                           List<Problem> problems, List<String> extra, Duration duration, int files) {

    /**
     * Validates and copies.
     *
     * @param service see the record component
     * @param snapshot see the record component
     * @param manifest see the record component
     * @param listed see the record component
     * @param samplePercent see the record component
     * @param verifiedByDigest see the record component
     * @param verifiedByDownload see the record component
     * @param verifiedBySize see the record component
     * @param unchecked see the record component
     * @param problems see the record component
     * @param extra see the record component
     * @param duration see the record component
     * @param files see the record component
     * @throws IllegalArgumentException when {@code files} is negative, or the manifest has entries and
     *     {@code files} is not their number
     */
    public VerifyResult {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(duration, "duration");
        problems = List.copyOf(problems);
        extra = List.copyOf(extra);
        if (files < 0 || !manifest.entries().isEmpty() && files != manifest.entries().size()) {
            throw new IllegalArgumentException("files must be the number of the manifest's entries ("
                    + manifest.entries().size() + "), or at least 0 when the manifest holds none, was " + files);
        }
    }

    /**
     * A result whose manifest holds every file checked ({@link #files()} is their number).
     *
     * @param service see the record component
     * @param snapshot see the record component
     * @param manifest see the record component
     * @param listed see the record component
     * @param samplePercent see the record component
     * @param verifiedByDigest see the record component
     * @param verifiedByDownload see the record component
     * @param verifiedBySize see the record component
     * @param unchecked see the record component
     * @param problems see the record component
     * @param extra see the record component
     * @param duration see the record component
     */
    public VerifyResult(String service, String snapshot, Manifest manifest, boolean listed, int samplePercent,
                        int verifiedByDigest, int verifiedByDownload, int verifiedBySize, int unchecked,
                        List<Problem> problems, List<String> extra, Duration duration) {
        this(service, snapshot, manifest, listed, samplePercent, verifiedByDigest, verifiedByDownload, verifiedBySize,
                unchecked, problems, extra, duration, Objects.requireNonNull(manifest, "manifest").entries().size());
    }

    /**
     * Whether no problem was found.
     *
     * @return {@code true} when {@link #problems()} is empty
     */
    public boolean ok() {
        return problems.isEmpty();
    }

    /** What is wrong with a file. */
    public enum ProblemKind {
        /** The remote does not have the file. */
        MISSING,
        /** The remote's copy has another size than the manifest says. */
        SIZE_MISMATCH,
        /** The remote's copy has another sha256 than the manifest says. */
        DIGEST_MISMATCH,
        /** The file could not be checked (the provider failed). */
        ERROR;

        /**
         * The lower-case name used in JSON output.
         *
         * @return such as {@code "digest_mismatch"}
         */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One problem.
     *
     * @param path the manifest path
     * @param kind what is wrong
     * @param detail what was expected and found, and what to do
     */
    public record Problem(String path, ProblemKind kind, String detail) {

        /**
         * Validates.
         *
         * @param path see the record component
         * @param kind see the record component
         * @param detail see the record component
         */
        public Problem {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
