package io.cloudsync.testkit.gdrive;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fake's in-memory state. Every access holds the store's monitor. */
final class DriveStore {

    static final String FOLDER = "application/vnd.google-apps.folder";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ID_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

    /** Drive keeps at most this many revisions of a file that are not kept forever; older ones are purged. */
    static final int MAX_REVISIONS = 100;

    /** One version of a file's content, as files.update with media makes them. */
    static final class Revision {
        final String id;
        final byte[] content;
        final String md5;
        final String sha256;
        final Instant modifiedTime;

        Revision(String id, byte[] content, String md5, String sha256, Instant modifiedTime) {
            this.id = id;
            this.content = content;
            this.md5 = md5;
            this.sha256 = sha256;
            this.modifiedTime = modifiedTime;
        }
    }

    /** One file or folder. */
    static final class Item {
        final String id;
        final long seq;
        String name;
        String mimeType;
        final List<String> parents = new ArrayList<>();
        byte[] content;
        String md5;
        String sha256;
        Instant createdTime;
        Instant modifiedTime;
        final Map<String, String> appProperties = new LinkedHashMap<>();
        boolean trashed;
        String driveId;
        /** Listing calls before which this item stays invisible to files.list (listing lag). */
        long visibleFromListCall;
        /** The content versions, oldest first; the last is the head revision. Empty for folders. */
        final List<Revision> revisions = new ArrayList<>();
        /** Drive's {@code version}: grows with every change to the file, content or metadata. */
        long version = 1;

        Item(String id, long seq) {
            this.id = id;
            this.seq = seq;
        }

        boolean isFolder() {
            return FOLDER.equals(mimeType);
        }

        /** New content: a new head revision, as every upload of content does on Drive. */
        void setContent(byte[] bytes) {
            content = bytes;
            md5 = HexFormat.of().formatHex(digest("MD5", bytes));
            sha256 = HexFormat.of().formatHex(digest("SHA-256", bytes));
            revisions.add(new Revision(newId(), bytes, md5, sha256, Instant.now()));
            if (revisions.size() > MAX_REVISIONS) {
                revisions.remove(0);
            }
            version++;
        }

        String headRevisionId() {
            return revisions.isEmpty() ? null : revisions.get(revisions.size() - 1).id;
        }

        /** Removes a revision; when it was the head, the previous revision's content becomes the file's. */
        void deleteRevision(Revision revision) {
            boolean head = revision.id.equals(headRevisionId());
            revisions.remove(revision);
            if (head) {
                Revision now = revisions.get(revisions.size() - 1);
                content = now.content;
                md5 = now.md5;
                sha256 = now.sha256;
            }
            version++;
        }
    }

    /** One resumable upload session. */
    static final class Session {
        final String id;
        final String targetId;
        final com.fasterxml.jackson.databind.JsonNode metadata;
        final String contentType;
        final Map<String, String> params;
        Long total;
        final java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        /** The file the finished upload stored; a status query on a finished session answers with it. */
        String completedId;

        Session(String id, String targetId, com.fasterxml.jackson.databind.JsonNode metadata, String contentType,
                Long total, Map<String, String> params) {
            this.id = id;
            this.targetId = targetId;
            this.metadata = metadata;
            this.contentType = contentType;
            this.total = total;
            this.params = params;
        }
    }

    final Map<String, Item> items = new LinkedHashMap<>();
    final Map<String, Session> sessions = new LinkedHashMap<>();
    final Map<String, String> issuedTokens = new LinkedHashMap<>();
    final Map<String, java.security.PublicKey> serviceAccounts = new LinkedHashMap<>();
    /** Ids handed out by files.generateIds and not used yet: the only ids a create may name. */
    final java.util.Set<String> generatedIds = new java.util.HashSet<>();
    long seq;
    long listCalls;
    Instant lastCreated;
    String myDriveRootId;
    String sharedDriveId;

    DriveStore() {
        reset();
    }

    void reset() {
        items.clear();
        sessions.clear();
        generatedIds.clear();
        Item root = newItem("My Drive", FOLDER, null);
        myDriveRootId = root.id;
        Item shared = newItem("Shared drive", FOLDER, null);
        shared.driveId = shared.id;
        sharedDriveId = shared.id;
    }

    Item newItem(String name, String mimeType, String parent) {
        return newItem(newId(), name, mimeType, parent);
    }

    Item newItem(String id, String name, String mimeType, String parent) {
        Item item = new Item(id, ++seq);
        item.name = name;
        item.mimeType = mimeType;
        if (parent != null) {
            item.parents.add(parent);
            Item p = items.get(parent);
            item.driveId = p == null ? null : p.driveId;
        }
        // creation times strictly increase at millisecond precision, so "oldest" is always well defined
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        if (lastCreated != null && !now.isAfter(lastCreated)) {
            now = lastCreated.plusMillis(1);
        }
        lastCreated = now;
        item.createdTime = now;
        item.modifiedTime = now;
        items.put(item.id, item);
        return item;
    }

    Item resolve(String idOrAlias) {
        return items.get("root".equals(idOrAlias) ? myDriveRootId : idOrAlias);
    }

    void deleteRecursively(Item item) {
        items.remove(item.id);
        for (Item child : new ArrayList<>(items.values())) {
            if (child.parents.contains(item.id)) {
                deleteRecursively(child);
            }
        }
    }

    static String newId() {
        char[] id = new char[33];
        id[0] = '1';
        for (int i = 1; i < id.length; i++) {
            id[i] = ID_CHARS[RANDOM.nextInt(ID_CHARS.length)];
        }
        return new String(id);
    }

    static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
