package io.cloudsync.provider.gdrive.internal;

import com.google.api.services.drive.model.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drive has names, not paths: this walks {@code <root>/<a>/<b>} level by level and caches what it
 * learns. Each folder's children are listed once (every page) and then kept up to date with what
 * this provider creates and deletes, so a sync of thousands of files does not look each folder up
 * again. Folders this provider creates are known to be empty, which also sidesteps Drive's lagging
 * listings for new folders. Several folders with one name are possible on Drive: lookups return all
 * of them (a file may sit in any), creation goes into the oldest, and the duplicates are logged.
 * Thread-safe; concurrent uploads into one folder create each missing level once.
 */
final class FolderTree {

    private static final Logger LOG = LoggerFactory.getLogger(FolderTree.class);

    /** The known children of one folder. */
    private static final class Children {
        final Map<String, List<File>> byName = new HashMap<>();
        boolean loaded;
        /** Counts what this provider added or removed, so a listing that raced with it is not taken as the truth. */
        long changes;
    }

    private final DriveApi api;
    private final Creates creates;
    private final Map<String, Children> folders = new ConcurrentHashMap<>();
    /** path from the root ("snapshot/a/b") to the folder chosen for new content. */
    private final Map<String, String> chosen = new ConcurrentHashMap<>();
    private final Map<String, Boolean> reported = new ConcurrentHashMap<>();

    FolderTree(DriveApi api, Creates creates) {
        this.api = api;
        this.creates = creates;
    }

    /** The children of {@code folderId} named {@code name} (files and folders), listing the folder once. */
    List<File> childrenNamed(String folderId, String name) throws IOException {
        Children c = load(folderId);
        synchronized (c) {
            return List.copyOf(c.byName.getOrDefault(name, List.of()));
        }
    }

    /**
     * All children of a folder, freshly listed. The listing replaces what is known, unless this
     * provider added or removed a child while it ran: then the listing may predate that upload or
     * delete, and taking it would make the uploaded file unknown (a later delete of it would do
     * nothing, a download would find nothing). It is then listed again; after a few tries the
     * listing only adds files not known yet.
     */
    List<File> refresh(String folderId) throws IOException {
        Children c = folders.computeIfAbsent(folderId, k -> new Children());
        for (int attempt = 1; ; attempt++) {
            long before;
            synchronized (c) {
                before = c.changes;
            }
            List<File> listed = api.children(folderId, null);
            synchronized (c) {
                if (c.changes == before) {
                    c.byName.clear();
                    for (File f : listed) {
                        c.byName.computeIfAbsent(f.getName(), k -> new ArrayList<>()).add(f);
                    }
                    c.loaded = true;
                    return listed;
                }
                if (attempt >= 3) {
                    for (File f : listed) {
                        List<File> same = c.byName.computeIfAbsent(f.getName(), k -> new ArrayList<>());
                        if (same.stream().noneMatch(k -> k.getId().equals(f.getId()))) {
                            same.add(f);
                        }
                    }
                    c.loaded = true;
                    return listed;
                }
            }
        }
    }

    /** Every folder matching {@code segments} under {@code rootId}, duplicates included; empty when missing. */
    List<String> find(String rootId, List<String> segments) throws IOException {
        List<String> level = List.of(rootId);
        StringBuilder path = new StringBuilder();
        for (String segment : segments) {
            path.append(path.length() == 0 ? "" : "/").append(segment);
            List<File> matches = new ArrayList<>();
            for (String parent : level) {
                for (File f : childrenNamed(parent, segment)) {
                    if (DriveApi.isFolder(f)) {
                        matches.add(f);
                    }
                }
            }
            if (matches.isEmpty()) {
                return List.of();
            }
            matches.sort(DriveApi.OLDEST_FIRST);
            reportDuplicates(path.toString(), matches);
            level = matches.stream().map(File::getId).toList();
        }
        return level;
    }

    /** The folder for {@code segments} under {@code rootId}, creating missing levels; the oldest among duplicates. */
    String ensure(String rootId, List<String> segments) throws IOException {
        String key = String.join("/", segments);
        String known = chosen.get(key);
        if (known != null) {
            return known;
        }
        String current = rootId;
        StringBuilder path = new StringBuilder();
        for (String segment : segments) {
            path.append(path.length() == 0 ? "" : "/").append(segment);
            String cached = chosen.get(path.toString());
            if (cached != null) {
                current = cached;
                continue;
            }
            Children c = load(current);
            String next;
            synchronized (c) {
                List<File> matches = new ArrayList<>();
                for (File f : c.byName.getOrDefault(segment, List.of())) {
                    if (DriveApi.isFolder(f)) {
                        matches.add(f);
                    }
                }
                if (matches.isEmpty()) {
                    String parent = current;
                    File created = creates.create("folder\u0000" + parent + "\u0000" + segment, "folder",
                            id -> api.createFolder(parent, segment, id));
                    LOG.debug("gdrive.folder.create path={} id={}", path, created.getId());
                    c.byName.computeIfAbsent(segment, k -> new ArrayList<>()).add(created);
                    c.changes++;
                    Children fresh = new Children();
                    fresh.loaded = true;
                    folders.put(created.getId(), fresh);
                    next = created.getId();
                } else {
                    matches.sort(DriveApi.OLDEST_FIRST);
                    reportDuplicates(path.toString(), matches);
                    next = matches.get(0).getId();
                }
            }
            chosen.put(path.toString(), next);
            current = next;
        }
        return current;
    }

    void added(String folderId, File file) {
        Children c = folders.get(folderId);
        if (c != null) {
            synchronized (c) {
                List<File> same = c.byName.computeIfAbsent(file.getName(), k -> new ArrayList<>());
                // a listing that ran meanwhile may have found it already
                same.removeIf(f -> f.getId().equals(file.getId()));
                same.add(file);
                c.changes++;
            }
        }
    }

    /** {@code file} changed on Drive (same id): the cache keeps the new metadata. */
    void replaced(String folderId, File file) {
        Children c = folders.get(folderId);
        if (c != null) {
            synchronized (c) {
                List<File> same = c.byName.computeIfAbsent(file.getName(), k -> new ArrayList<>());
                same.removeIf(f -> f.getId().equals(file.getId()));
                same.add(file);
            }
        }
    }

    void removed(String folderId, File file) {
        Children c = folders.get(folderId);
        if (c != null) {
            synchronized (c) {
                List<File> same = c.byName.get(file.getName());
                if (same != null) {
                    same.removeIf(f -> f.getId().equals(file.getId()));
                }
                c.changes++;
            }
        }
    }

    private Children load(String folderId) throws IOException {
        Children c = folders.computeIfAbsent(folderId, k -> new Children());
        synchronized (c) {
            if (!c.loaded) {
                for (File f : api.children(folderId, null)) {
                    c.byName.computeIfAbsent(f.getName(), k -> new ArrayList<>()).add(f);
                }
                c.loaded = true;
            }
        }
        return c;
    }

    private void reportDuplicates(String path, List<File> folders) {
        if (folders.size() > 1 && reported.putIfAbsent(path, Boolean.TRUE) == null) {
            LOG.warn("gdrive.duplicate_folder path={} ids={} using={} (files are looked up in all of them; merge them in"
                    + " Drive to silence this)", path, folders.stream().map(File::getId).toList(), folders.get(0).getId());
        }
    }
}
