package io.cloudsync.testkit;

import io.cloudsync.spi.Capability;
import java.util.Locale;
import java.util.Optional;

/**
 * Every rule of the provider contract, stated once. The contract classes stamp each failure with
 * the rule's id and a link to it ({@link #docs()}), {@code docs/PROVIDERS.md} has an anchor for each
 * rule (checked by the kit's own tests), and a provider may list a rule it knows it breaks in
 * {@link ProviderUnderTest#knownViolations()}.
 *
 * <p>{@code D1.*} rules are checked by {@link ProviderFactoryContract}, {@code R*.*} rules by
 * the families of {@link ProviderContract} ({@link MetadataContract}, {@link FileContract},
 * {@link ResumeContract}, {@link ListingContract}, {@link LifecycleContract}, {@link CopyContract}), {@code S1.*} rules (the real engine over the provider) by {@code io.cloudsync.testkit.sync.SyncContract} (module cloudsync-testkit-sync). A rule with a {@link #capability()} applies only to providers that
 * declare that capability; its test method is named {@code optional_...}, the others
 * {@code required_...}.
 *
 * @since 0.1.0
 */
public enum ContractRule {

    /** Discovery. */
    D1_01("The factory is found by java.util.ServiceLoader", null),
    /** Id format. */
    D1_02("The id matches [a-z][a-z0-9-]* and is stable between calls", null),
    /** SPI version. */
    D1_03("spiVersion() is a version this cloudsync supports", null),
    /** Self-description. */
    D1_04("Description, capabilities and every config key are described: no null, no blank text, no duplicate key", null),
    /** Missing keys. */
    D1_05("open() without a required setting or secret fails naming that key", null),
    /** Secret redaction. */
    D1_06("No secret value appears in any exception message or toString the provider produces", null),
    /** Unknown keys. */
    D1_07("open() with an unknown setting fails naming it", null),

    /** Absent metadata. */
    R1_01("getMetadata of a name never put is empty, and listMetadata of an empty area lists nothing", null),
    /** Metadata round trip. */
    R1_02("A put metadata object reads back byte for byte (empty, binary, large) with the version tag the put returned", null),
    /** Metadata overwrite and version tags. */
    R1_03("Putting again replaces the object; its version tag changes with every put and stays the same between puts", null),
    /** Snapshots are separate. */
    R1_04("Snapshots are independent: files of one are never seen in another, and metadata objects belong to no snapshot", null),
    /** Files and metadata never collide. */
    R1_05("No file path, whatever its name, can replace or hide a metadata object", null),
    /** Separate listings. */
    R1_06("Metadata objects never appear in list(snapshot), and files never in listMetadata", null),
    /** Metadata delete. */
    R1_07("deleteMetadata removes exactly the named object, and deleting a missing name succeeds, as often as asked", null),
    /** Metadata listing. */
    R1_08("listMetadata lists exactly the stored names that start with the prefix, once each, in ascending String order", null),
    /** Metadata names. */
    R1_09("Metadata names that Names allows round-trip and are listed: 255-character ASCII segments, 512-character names, non-ASCII and punctuation",
            null),
    /** Preconditions. */
    R1_10("Every provider checks preconditions: ifAbsent fails with CONFLICT when an object exists, ifVersion unless the stored tag matches; a refused put stores nothing",
            null),
    /** Atomic puts for readers. */
    R1_11("A put replaces a metadata object atomically: a reader during puts gets the bytes of one put, whole (or a retryable failure), never a mix", null),

    /** Small file round trip. */
    R2_01("Upload then download returns the same bytes, text with CRLF and lone CR line endings too", null),
    /** Tiny files. */
    R2_02("Empty, one-byte and all-zero files round-trip exactly", null),
    /** Failed uploads are atomic. */
    R2_03("A failed upload throws ProviderException and leaves nothing new readable under the final name", null),
    /** Large file round trip. */
    R2_04("Files of a few megabytes, of an even and an odd size, round-trip exactly", null),
    /** Multipart. */
    R2_05("A file larger than the declared multipart or chunk threshold round-trips exactly", null),
    /** Receipts. */
    R2_06("The upload receipt names the path and size stored, and any digest it reports is the stored bytes' SHA-256", null),
    /** File overwrite. */
    R2_07("Uploading over an existing file replaces it entirely", null),
    /** Missing downloads. */
    R2_08("Downloading a missing file (also in a folder that does not exist) fails with NOT_FOUND and does not create the target", null),
    /** Folders are not files. */
    R2_09("Downloading a path that is a folder (files are stored below it) fails with NOT_FOUND and does not create the target",
            null),
    /** Upload progress. */
    R2_10("Upload progress, where reported, never exceeds the file's size, never goes down within one upload, and ends when the upload returns", null),
    /** Honest receipts for bytes that differ from their entry. */
    R2_11("An upload whose bytes differ from its entry (another SHA-256, another size) fails with a ProviderException and leaves nothing new readable, or its receipt reports the size and digest of the bytes stored, never the entry's", null),
    /** Interrupted uploads are atomic. */
    R2_12("An upload interrupted midway throws and leaves nothing new readable under the final name: no partial file, the previous file or nothing", null),
    /** Download over an existing file. */
    R2_13("A download replaces an existing local file entirely, also one longer than the file", null),
    /** The local file stays. */
    R2_14("An upload leaves the local file as it was: bytes, size and modification time", null),

    /** Special characters. */
    R3_01("Names with spaces (also leading and trailing), Unicode, #, %, +, ?, trailing dots, device names such as CON and other punctuation round-trip", null),
    /** Deep folders. */
    R3_02("Files in deeply nested folders round-trip", null),
    /** No name folding. */
    R3_03("Names that differ only by encoding-like text (a b, a+b, a%20b, a%2Fb) stay distinct files", null),
    /** Long names. */
    R3_04("Names of 255 bytes, ASCII and multi-byte UTF-8, file and folder, round-trip and are listed", null),
    /** No reserved-looking names. */
    R3_05("Names that look like temporary files (.a.cloudsync-tmp, .cs-0123456789ab.tmp, x.part) are files like any other",
            null),
    /** No case folding. */
    R3_06("Names that differ only in case (README.md, readme.md, Docs/a, docs/a) stay distinct files", null),

    /** Server-side check. */
    R4_01("An upload whose bytes do not match the entry's SHA-256 fails with INTEGRITY and leaves nothing new readable",
            Capability.SERVER_SHA256),
    /** Verified receipts. */
    R4_02("The upload receipt is verified and carries the stored bytes' SHA-256", Capability.SERVER_SHA256),

    /** Racing creates. */
    R5_01("Of several writers racing to put one new name with ifAbsent exactly one succeeds, and its bytes are stored",
            Capability.CONDITIONAL_METADATA_PUT),
    /** Racing updates. */
    R5_02("Of several writers racing with ifVersion of the same tag exactly one succeeds, and its bytes are stored",
            Capability.CONDITIONAL_METADATA_PUT),
    /** Compare-and-set loses no update. */
    R5_03("Writers that each read an object and put it back changed, with ifVersion of what they read, lose no update",
            Capability.CONDITIONAL_METADATA_PUT),

    /** Resume. */
    R6_01("An upload interrupted midway resumes in a new provider instance and completes with the exact bytes",
            Capability.RESUMABLE_UPLOAD),
    /** Resume of a changed file. */
    R6_02("Resuming after the local file changed starts over and stores only the new bytes", Capability.RESUMABLE_UPLOAD),

    /** Empty listing. */
    R7_01("Listing a snapshot with no files returns an empty stream", Capability.LISTING),
    /** Exact listing. */
    R7_02("Listing reports exactly the stored files with their sizes, and correct digests where it reports them",
            Capability.LISTING),
    /** Fresh listing. */
    R7_03("Listing reflects deletes and overwrites", Capability.LISTING),
    /** Listing under load. */
    R7_04("Listing while uploads and deletes run fails with nothing but a retryable error and reports no file that was never uploaded",
            Capability.LISTING),
    /** Listed modification times. */
    R7_05("Listing reports a modification time, where it reports one, as the uploaded entry's mtime (within 2 seconds), not the time of the upload",
            Capability.LISTING),
    /** Undeclared listing. */
    R7_06("A provider that does not declare LISTING throws UnsupportedOperationException from list", null),

    /** Delete. */
    R8_01("A deleted file can no longer be downloaded, also one that was downloaded before", null),
    /** Idempotent delete. */
    R8_02("Deleting a missing file succeeds, as often as asked", null),
    /** Precise delete. */
    R8_03("Delete removes only the named file: siblings, look-alike names and metadata objects stay", null),

    /** Concurrency. */
    R9_01("Concurrent uploads and downloads from several threads all store and return the right bytes", null),
    /** Durability across instances. */
    R9_02("A provider opened again with the same settings sees the same files and metadata objects", null),
    /** Close. */
    R9_03("close() is idempotent", null),
    /** Refused credentials. */
    R9_04("Refused credentials fail with AUTHENTICATION, from open() or else from every operation, and store nothing", null),
    /** No secret in use. */
    R9_05("No secret value appears in an error, toString, log line or console output of the provider at work (not found, conflict, integrity, interrupted upload, listing, refused credentials)", null),
    /** Providers never retry. */
    R9_06("A request the backend fails once with a transient error (500, 503, throttling) fails the operation with a retryable ProviderException: the provider never retries by itself", null),
    /** Close releases threads. */
    R9_07("close() ends every thread the provider started: opened, used and closed, a provider leaves no thread of its own running", null),
    /** Flush. */
    R9_08("flush() succeeds with nothing to flush, after uploads, copies and deletes, and when called again", null),

    /** Copy round trip. */
    R10_01("A copy stores the source's bytes under the target path with an honest receipt, and leaves the source as it was",
            Capability.SERVER_SIDE_COPY),
    /** Copy over a file. */
    R10_02("A copy over an existing file replaces it entirely", Capability.SERVER_SIDE_COPY),
    /** Copy of a missing file. */
    R10_03("A copy from a missing source fails with NOT_FOUND and stores nothing under the target", Capability.SERVER_SIDE_COPY),
    /** Undeclared copy. */
    R10_04("A provider that does not declare SERVER_SIDE_COPY throws UnsupportedOperationException from copy", null),
    /** Copy metadata. */
    R10_05("A copy carries the target entry's modification time, as a listing reports it, not the source's",
            Capability.SERVER_SIDE_COPY),

    /** Full sync. */
    S1_01("A first run through the engine mirrors the whole tree and commits a manifest equal to the local one", null),
    /** No-op resync. */
    S1_02("A second run over an unchanged tree makes one metadata request (the manifest's root) and uploads, deletes and writes nothing", null),
    /** Delta. */
    S1_03("A run after local changes uploads exactly the new and changed files", null),
    /** Deletes. */
    S1_04("A run after local deletions removes exactly those files from the remote", null),
    /** Partial failure. */
    S1_05("A run with a failed upload reports it, ends PARTIAL and commits a manifest of exactly what arrived: every file it names downloads with its sha256, the failed one is not named", null),
    /** Resume. */
    S1_06("A run after an interrupted one resends only what the interrupted run did not confirm, and ends with remote equal to local", null),
    /** Killed between an overwrite and the commit. */
    S1_07("A run that dies between an overwrite and its commit leaves a snapshot whose every named file downloads with the named sha256; the next run converges and leaves nothing unlisted", null),
    /** An approved plan. */
    S1_08("A run of an approved plan refuses, changing nothing, once the local tree changed after the review; the approved run, killed after an overwrite, is resumed by the same approval and mirrors the reviewed tree", null),
    /** Moves and renames: a server-side copy instead of an upload. */
    S1_09("A run after a folder was renamed copies each of its files on the remote from its old path (server-side copy) instead of sending it, sends only new content, deletes the old paths and mirrors the tree", Capability.SERVER_SIDE_COPY),
    /** A bandwidth limit. */
    S1_10("A run with a bandwidth limit of 128 KiB/s takes at least 2.5 s to send 384 KiB, and mirrors the tree", null),
    /** Recoverable deletes and overwrites. */
    S1_11("A run that deletes and overwrites files keeps each remote version first: versions lists them, and a restore to a time before the run brings the tree back byte for byte, verified by sha256", Capability.SERVER_SIDE_COPY),

    /** 255-byte names through the engine. */
    S1_20("Files with 255-byte ASCII and UTF-8 names, in a folder, sync, pull back, back up and restore byte for byte", null);

    private final String text;
    private final Capability capability;

    ContractRule(String text, Capability capability) {
        this.text = text;
        this.capability = capability;
    }

    /**
     * The rule's id as printed in failures and docs, such as {@code R2.01}.
     *
     * @return never {@code null}
     */
    public String id() {
        return name().replace('_', '.');
    }

    /**
     * The rule in one line.
     *
     * @return never {@code null}
     */
    public String text() {
        return text;
    }

    /**
     * The anchor of the rule in {@code docs/PROVIDERS.md}, such as {@code r2-01}.
     *
     * @return never {@code null}
     */
    public String anchor() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The capability a provider must declare for this rule to apply.
     *
     * @return the capability, or empty for rules every provider must keep
     */
    public Optional<Capability> capability() {
        return Optional.ofNullable(capability);
    }

    /**
     * The prefix of the contract test method that checks this rule, such as {@code required_R2_01_}.
     *
     * @return never {@code null}
     */
    public String methodPrefix() {
        return (capability == null ? "required_" : "optional_") + name() + '_';
    }

    /**
     * Where the rule is explained: its anchor in the provider guide, at the address a provider author
     * can open (the project's repository, at the tag of this release; on {@code main} for a snapshot).
     *
     * @return a URL with the anchor, such as
     *     {@code https://github.com/cloudsync/cloudsync/blob/v1.0.0/docs/PROVIDERS.md#r2-01}
     */
    public String docs() {
        return Guide.URL + '#' + anchor();
    }

    /** The guide's address, from the build (guide.properties, filled in from the parent pom). */
    private static final class Guide {

        static final String URL = load();

        private static String load() {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = ContractRule.class.getResourceAsStream("guide.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (java.io.IOException e) {
                // left empty: the fallback below still names the guide
            }
            String repository = p.getProperty("repository", "");
            String version = p.getProperty("version", "");
            if (!repository.startsWith("https://") || version.isEmpty() || version.contains("${")) {
                return "docs/PROVIDERS.md"; // classes not built by Maven (resources unfiltered)
            }
            String ref = version.endsWith("-SNAPSHOT") ? "main" : "v" + version;
            return repository + "/blob/" + ref + "/docs/PROVIDERS.md";
        }
    }
}
