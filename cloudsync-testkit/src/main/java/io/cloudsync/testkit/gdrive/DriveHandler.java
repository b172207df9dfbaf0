package io.cloudsync.testkit.gdrive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/** Speaks the Drive v3 wire protocol as google-api-services-drive uses it (see docs/GDRIVE.md). */
final class DriveHandler implements HttpHandler {

    private static final String JSON_TYPE = "application/json; charset=UTF-8";
    private static final int CHUNK_GRANULARITY = 256 * 1024;
    private static final int MAX_PROPERTY_BYTES = 124;

    /** An injected failure for the next matching call, after letting {@code skip} matching calls through. */
    static final class Fault {
        final int status;
        final String domain;
        final String reason;
        final String message;
        final boolean chunksOnly;
        int skip;

        Fault(int status, String domain, String reason, String message, boolean chunksOnly, int skip) {
            this.status = status;
            this.domain = domain;
            this.reason = reason;
            this.message = message;
            this.chunksOnly = chunksOnly;
            this.skip = skip;
        }
    }

    /** What a test can see of each API request. */
    record Recorded(String method, String path, Map<String, String> params, int status, int bodyBytes) {
    }

    private record Request(String method, String path, List<String> segments, Map<String, String> params,
                           com.sun.net.httpserver.Headers headers, byte[] body) {
        String param(String name) {
            return params.get(name);
        }

        boolean flag(String name) {
            return "true".equalsIgnoreCase(params.get(name));
        }
    }

    private record Response(int status, Map<String, String> headers, byte[] body) {
    }

    private final DriveStore store;
    private final ObjectMapper json = new ObjectMapper();
    volatile String baseUrl = "http://127.0.0.1/";

    // fault switches and counters, guarded by store
    final Deque<Fault> faults = new ArrayDeque<>();
    int duplicateCreates;
    int listingLag;
    long dailyQuota = Long.MAX_VALUE;
    String dailyQuotaReason = "userRateLimitExceeded";
    long uploadedToday;
    int corruptUploads;
    int maxPageSize = 100;
    boolean serviceAccountQuotaMode;
    int loseCreateAnswers;
    int loseUpdateAnswers;
    /** A rate-limit storm: armed, it starts with the API call after {@code stormSkip} more, and lasts {@code stormNanos}. */
    boolean stormArmed;
    int stormSkip;
    long stormNanos;
    long stormEndsAt;
    long stormAnswers;
    long uploadBytesReceived;
    long tokenRequests;
    final List<Recorded> recorded = new ArrayList<>();

    DriveHandler(DriveStore store) {
        this.store = store;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Response response;
        Request request = null;
        try {
            request = read(exchange);
            synchronized (store) {
                response = dispatch(request);
                if (!request.path.equals("/token")) {
                    recorded.add(new Recorded(request.method, request.path, request.params, response.status,
                            request.body.length));
                }
            }
        } catch (DriveQuery.InvalidQueryException e) {
            response = error(400, "global", "invalid", "Invalid Value: " + e.getMessage(), "q");
        } catch (RuntimeException e) {
            response = error(500, "global", "backendError", "Backend Error: " + e, null);
        }
        try {
            for (Map.Entry<String, String> h : response.headers.entrySet()) {
                exchange.getResponseHeaders().set(h.getKey(), h.getValue());
            }
            byte[] body = response.body;
            if (body == null || body.length == 0) {
                exchange.sendResponseHeaders(response.status, -1);
            } else {
                exchange.sendResponseHeaders(response.status, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } finally {
            exchange.close();
        }
    }

    private Request read(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(body))) {
                body = gz.readAllBytes();
            }
        }
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
        if (override != null && method.equals("POST")) {
            method = override.toUpperCase(Locale.ROOT);
        }
        Map<String, String> params = new LinkedHashMap<>();
        parseForm(exchange.getRequestURI().getRawQuery(), params);
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (method.equals("GET") && type != null && type.startsWith("application/x-www-form-urlencoded")) {
            // a GET longer than 2048 characters arrives as POST + override with the query in the body
            parseForm(new String(body, StandardCharsets.UTF_8), params);
            body = new byte[0];
        }
        String rawPath = exchange.getRequestURI().getRawPath();
        List<String> segments = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                segments.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return new Request(method, rawPath, segments, params, exchange.getRequestHeaders(), body);
    }

    private static void parseForm(String raw, Map<String, String> into) {
        if (raw == null || raw.isEmpty()) {
            return;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            into.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
    }

    private Response dispatch(Request r) throws IOException {
        if (r.path.equals("/token")) {
            return token(r);
        }
        String auth = r.headers.getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ") || !store.issuedTokens.containsKey(auth.substring(7))) {
            Response e = error(401, "global", "authError", "Invalid Credentials", "Authorization");
            e.headers.put("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
            return e;
        }
        List<String> s = r.segments;
        boolean chunk = r.method.equals("PUT") && r.params.containsKey("upload_id");
        if (stormArmed) {
            if (stormSkip > 0) {
                stormSkip--;
            } else {
                stormArmed = false;
                stormEndsAt = System.nanoTime() + stormNanos;
            }
        }
        if (stormEndsAt != 0) {
            if (System.nanoTime() - stormEndsAt < 0) {
                // what Drive answers to a burst over the per-user rate: 429, no Retry-After
                stormAnswers++;
                return error(429, "usageLimits", "rateLimitExceeded", "Rate Limit Exceeded", null);
            }
            stormEndsAt = 0;
        }
        Iterator<Fault> it = faults.iterator();
        while (it.hasNext()) {
            Fault f = it.next();
            if (!f.chunksOnly || chunk) {
                if (f.skip > 0) {
                    f.skip--;
                    break;
                }
                it.remove();
                return error(f.status, f.domain, f.reason, f.message, null);
            }
        }
        if (!s.isEmpty() && s.get(0).equals("batch")) {
            return error(400, "global", "badRequest", "batch requests are not supported by FakeDriveServer", null);
        }
        if (s.size() >= 3 && s.get(0).equals("upload") && s.get(1).equals("drive") && s.get(2).equals("v3")
                && s.size() <= 5 && s.get(3).equals("files")) {
            return upload(r, s.size() == 5 ? s.get(4) : null);
        }
        if (s.size() == 5 && s.get(0).equals("download") && s.get(3).equals("files")) {
            return media(r, s.get(4));
        }
        if (s.size() >= 3 && s.get(0).equals("drive") && s.get(1).equals("v3") && s.get(2).equals("files")) {
            if (s.size() == 4 && s.get(3).equals("generateIds")) {
                return r.method.equals("GET") ? generateIds(r) : notAllowed(r);
            }
            if (s.size() == 5 && s.get(4).equals("copy")) {
                return r.method.equals("POST") ? copy(r, s.get(3)) : notAllowed(r);
            }
            if (s.size() == 5 && s.get(4).equals("revisions")) {
                return r.method.equals("GET") ? listRevisions(r, s.get(3)) : notAllowed(r);
            }
            if (s.size() == 6 && s.get(4).equals("revisions")) {
                return switch (r.method) {
                    case "GET" -> getRevision(r, s.get(3), s.get(5));
                    case "DELETE" -> deleteRevision(r, s.get(3), s.get(5));
                    default -> notAllowed(r);
                };
            }
            if (s.size() == 3) {
                return switch (r.method) {
                    case "GET" -> list(r);
                    case "POST" -> createMetadata(r);
                    default -> notAllowed(r);
                };
            }
            if (s.size() == 4) {
                String id = s.get(3);
                return switch (r.method) {
                    case "GET" -> "media".equals(r.param("alt")) ? media(r, id) : getMetadata(r, id);
                    case "PATCH" -> patch(r, id);
                    case "DELETE" -> delete(r, id);
                    default -> notAllowed(r);
                };
            }
        }
        return error(404, "global", "notFound", "FakeDriveServer has no endpoint " + r.method + " " + r.path, null);
    }

    // ---------------------------------------------------------------- token

    private Response token(Request r) throws IOException {
        tokenRequests++;
        Map<String, String> form = new LinkedHashMap<>();
        parseForm(new String(r.body, StandardCharsets.UTF_8), form);
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
            return tokenError("unsupported_grant_type", "grant_type must be the JWT bearer grant");
        }
        String assertion = form.getOrDefault("assertion", "");
        String[] parts = assertion.split("\\.");
        if (parts.length != 3) {
            return tokenError("invalid_grant", "assertion is not a JWT");
        }
        JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
        String iss = claims.path("iss").asText();
        java.security.PublicKey key = store.serviceAccounts.get(iss);
        if (key == null) {
            return tokenError("invalid_grant", "Invalid grant: account not found");
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return tokenError("invalid_grant", "Invalid JWT Signature.");
            }
        } catch (java.security.GeneralSecurityException e) {
            return tokenError("invalid_grant", "Invalid JWT Signature.");
        }
        String token = "fake-token-" + DriveStore.newId();
        store.issuedTokens.put(token, iss);
        ObjectNode body = json.createObjectNode();
        body.put("access_token", token);
        body.put("expires_in", 3599);
        body.put("token_type", "Bearer");
        return jsonResponse(200, body);
    }

    private Response tokenError(String error, String description) {
        ObjectNode body = json.createObjectNode();
        body.put("error", error);
        body.put("error_description", description);
        return jsonResponse(400, body);
    }

    // ---------------------------------------------------------------- metadata

    private Response getMetadata(Request r, String id) {
        DriveStore.Item item = visible(r, id);
        if (item == null) {
            return notFound(id);
        }
        return jsonResponse(200, project(r, fileJson(item)));
    }

    private Response list(Request r) {
        store.listCalls++;
        Predicate<DriveStore.Item> q = DriveQuery.parse(r.param("q"));
        boolean allDrives = r.flag("includeItemsFromAllDrives") && r.flag("supportsAllDrives");
        List<DriveStore.Item> matches = new ArrayList<>();
        for (DriveStore.Item item : store.items.values()) {
            if (item.parents.isEmpty() || store.listCalls < item.visibleFromListCall) {
                continue;
            }
            if (item.driveId != null && !allDrives) {
                continue;
            }
            if (q.test(item)) {
                matches.add(item);
            }
        }
        int pageSize = r.param("pageSize") == null ? 100 : Integer.parseInt(r.param("pageSize"));
        pageSize = Math.max(1, Math.min(pageSize, maxPageSize));
        int offset = 0;
        if (r.param("pageToken") != null) {
            try {
                offset = Integer.parseInt(new String(Base64.getUrlDecoder().decode(r.param("pageToken")),
                        StandardCharsets.UTF_8).substring("offset:".length()));
            } catch (RuntimeException e) {
                return error(400, "global", "invalid", "Invalid Value", "pageToken");
            }
        }
        ObjectNode body = json.createObjectNode();
        body.put("kind", "drive#fileList");
        body.put("incompleteSearch", false);
        ArrayNode files = body.putArray("files");
        int end = Math.min(matches.size(), offset + pageSize);
        for (int i = offset; i < end; i++) {
            files.add(fileJson(matches.get(i)));
        }
        if (end < matches.size()) {
            body.put("nextPageToken", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(("offset:" + end).getBytes(StandardCharsets.UTF_8)));
        }
        String fields = r.param("fields");
        JsonNode out = fields == null
                ? Fields.parse("kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)").apply(body)
                : Fields.parse(fields).apply(body);
        return jsonResponse(200, out);
    }

    private Response createMetadata(Request r) throws IOException {
        JsonNode meta = r.body.length == 0 ? json.createObjectNode() : json.readTree(r.body);
        Response problem = checkNewFile(r, meta);
        if (problem != null) {
            return problem;
        }
        DriveStore.Item item = createItem(meta, null, meta.path("mimeType").asText("application/octet-stream"));
        Response lost = lostCreateAnswer();
        return lost != null ? lost : jsonResponse(200, project(r, fileJson(item)));
    }

    /**
     * files.copy: a new file with the source's content (a new id and head revision, the same checksums),
     * the request's metadata applied with patch semantics over the source's. Unless the request says
     * otherwise the copy is named "Copy of NAME" and goes into the source's folder; appProperties are the
     * source's, updated by the request's (a null value removes one). Folders cannot be copied (403
     * cannotCopyFile). The content counts against the daily upload quota, as Drive counts copies, but not
     * as bytes received: none are sent.
     */
    private Response copy(Request r, String sourceId) throws IOException {
        DriveStore.Item source = visible(r, sourceId);
        if (source == null) {
            return notFound(sourceId);
        }
        if (source.isFolder()) {
            return error(403, "global", "cannotCopyFile", "This file cannot be copied by the user.", null);
        }
        JsonNode requested = r.body.length == 0 ? json.createObjectNode() : json.readTree(r.body);
        ObjectNode meta = requested.isObject() ? ((ObjectNode) requested).deepCopy() : json.createObjectNode();
        if (!meta.has("name")) {
            meta.put("name", "Copy of " + source.name);
        }
        if (!meta.has("parents")) {
            ArrayNode parents = meta.putArray("parents");
            source.parents.forEach(parents::add);
        }
        if (!meta.has("mimeType")) {
            meta.put("mimeType", source.mimeType);
        }
        ObjectNode props = json.createObjectNode();
        source.appProperties.forEach(props::put);
        for (Map.Entry<String, JsonNode> e : requested.path("appProperties").properties()) {
            props.set(e.getKey(), e.getValue());
        }
        meta.set("appProperties", props);
        Response problem = checkNewFile(r, meta);
        if (problem == null) {
            problem = takeQuota(source.content == null ? 0 : source.content.length);
        }
        if (problem != null) {
            return problem;
        }
        DriveStore.Item item = createItem(meta, source.content == null ? new byte[0] : source.content.clone(),
                source.mimeType);
        Response lost = lostCreateAnswer();
        return lost != null ? lost : jsonResponse(200, project(r, fileJson(item)));
    }

    // ---------------------------------------------------------------- ids and revisions

    private Response generateIds(Request r) {
        int count;
        try {
            count = r.param("count") == null ? 10 : Integer.parseInt(r.param("count"));
        } catch (NumberFormatException e) {
            return error(400, "global", "invalid", "Invalid value for count", "count");
        }
        if (count < 1 || count > 1000) {
            return error(400, "global", "invalid", "Invalid value for count: must be from 1 to 1000", "count");
        }
        String space = r.param("space") == null ? "drive" : r.param("space");
        if (!space.equals("drive") && !space.equals("appDataFolder")) {
            return error(400, "global", "invalid", "Invalid value for space", "space");
        }
        String type = r.param("type") == null ? "files" : r.param("type");
        if (!type.equals("files") && !type.equals("shortcuts")) {
            return error(400, "global", "invalid", "Invalid value for type", "type");
        }
        ObjectNode body = json.createObjectNode();
        body.put("kind", "drive#generatedIds");
        body.put("space", space);
        ArrayNode ids = body.putArray("ids");
        for (int i = 0; i < count; i++) {
            String id = DriveStore.newId();
            store.generatedIds.add(id);
            ids.add(id);
        }
        String fields = r.param("fields");
        return jsonResponse(200, fields == null ? body : Fields.parse(fields).apply(body));
    }

    private Response listRevisions(Request r, String fileId) {
        DriveStore.Item item = store.resolve(fileId); // revisions take no supportsAllDrives
        if (item == null) {
            return notFound(fileId);
        }
        ObjectNode body = json.createObjectNode();
        body.put("kind", "drive#revisionList");
        ArrayNode revisions = body.putArray("revisions");
        item.revisions.forEach(rev -> revisions.add(revisionJson(item, rev)));
        String fields = r.param("fields");
        return jsonResponse(200, fields == null ? Fields.parse("kind,revisions(kind,id,mimeType,modifiedTime)").apply(body)
                : Fields.parse(fields).apply(body));
    }

    private Response getRevision(Request r, String fileId, String revisionId) {
        DriveStore.Item item = store.resolve(fileId); // revisions take no supportsAllDrives
        if (item == null) {
            return notFound(fileId);
        }
        DriveStore.Revision rev = revision(item, revisionId);
        if (rev == null) {
            return error(404, "global", "notFound", "Revision not found: " + revisionId + ".", "revisionId");
        }
        if ("media".equals(r.param("alt"))) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", item.mimeType);
            return new Response(200, headers, rev.content);
        }
        String fields = r.param("fields");
        ObjectNode json = revisionJson(item, rev);
        return jsonResponse(200, fields == null ? Fields.parse("kind,id,mimeType,modifiedTime").apply(json)
                : Fields.parse(fields).apply(json));
    }

    /** revisions.delete: binary files only, never the last remaining revision; deleting the head restores the previous one. */
    private Response deleteRevision(Request r, String fileId, String revisionId) {
        DriveStore.Item item = store.resolve(fileId); // revisions take no supportsAllDrives
        if (item == null) {
            return notFound(fileId);
        }
        DriveStore.Revision rev = revision(item, revisionId);
        if (rev == null) {
            return error(404, "global", "notFound", "Revision not found: " + revisionId + ".", "revisionId");
        }
        if (item.isFolder() || item.mimeType.startsWith("application/vnd.google-apps.")) {
            return error(400, "global", "badRequest", "Only revisions of files with binary content can be deleted.", "revisionId");
        }
        if (item.revisions.size() == 1) {
            return error(400, "global", "badRequest", "The last remaining revision of a file can't be deleted.", "revisionId");
        }
        item.deleteRevision(rev);
        return new Response(204, new LinkedHashMap<>(), null);
    }

    private static DriveStore.Revision revision(DriveStore.Item item, String revisionId) {
        for (DriveStore.Revision rev : item.revisions) {
            if (rev.id.equals(revisionId)) {
                return rev;
            }
        }
        return null;
    }

    private ObjectNode revisionJson(DriveStore.Item item, DriveStore.Revision rev) {
        ObjectNode f = json.createObjectNode();
        f.put("kind", "drive#revision");
        f.put("id", rev.id);
        f.put("mimeType", item.mimeType);
        f.put("modifiedTime", rev.modifiedTime.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
        f.put("keepForever", false);
        f.put("size", Long.toString(rev.content.length));
        f.put("md5Checksum", rev.md5);
        return f;
    }

    /** After a create was stored: the 503 a test asked for instead of the answer, or null. */
    /** After new content of an existing file was stored: the 503 a test asked for instead of the answer, or null. */
    private Response lostUpdateAnswer() {
        if (loseUpdateAnswers > 0) {
            loseUpdateAnswers--;
            return error(503, "global", "backendError", "Backend Error", null);
        }
        return null;
    }

    private Response lostCreateAnswer() {
        if (loseCreateAnswers > 0) {
            loseCreateAnswers--;
            return error(503, "global", "backendError", "Backend Error", null);
        }
        return null;
    }

    private Response patch(Request r, String id) throws IOException {
        DriveStore.Item item = visible(r, id);
        if (item == null) {
            return notFound(id);
        }
        JsonNode meta = r.body.length == 0 ? json.createObjectNode() : json.readTree(r.body);
        Response problem = checkProperties(meta);
        if (problem != null) {
            return problem;
        }
        if (r.param("addParents") != null) {
            if (store.resolve(r.param("addParents")) == null) {
                return notFound(r.param("addParents"));
            }
            if (r.param("removeParents") == null) {
                return error(400, "global", "badRequest", "A shared drive item must have exactly one parent.", null);
            }
            item.parents.remove(r.param("removeParents"));
            item.parents.add(store.resolve(r.param("addParents")).id);
            item.version++;
        }
        applyMetadata(item, meta);
        return jsonResponse(200, project(r, fileJson(item)));
    }

    private Response delete(Request r, String id) {
        DriveStore.Item item = visible(r, id);
        if (item == null) {
            return notFound(id);
        }
        store.deleteRecursively(item);
        return new Response(204, new LinkedHashMap<>(), null);
    }

    // ---------------------------------------------------------------- media

    private Response media(Request r, String id) {
        DriveStore.Item item = visible(r, id);
        if (item == null) {
            return notFound(id);
        }
        if (item.isFolder() || item.mimeType.startsWith("application/vnd.google-apps.")) {
            return error(403, "global", "fileNotDownloadable",
                    "Only files with binary content can be downloaded. Use Export with Docs Editors files.", "alt");
        }
        byte[] content = item.content == null ? new byte[0] : item.content;
        String range = r.headers.getFirst("Range");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", item.mimeType);
        if (range == null) {
            return new Response(200, headers, content);
        }
        if (content.length == 0) {
            // what Drive does, and what breaks MediaHttpDownloader on empty files (google-api-java-client#2076)
            return error(416, "global", "requestedRangeNotSatisfiable", "Request range not satisfiable", "range");
        }
        String spec = range.replace("bytes=", "");
        long first = Long.parseLong(spec.substring(0, spec.indexOf('-')));
        String lastText = spec.substring(spec.indexOf('-') + 1);
        long last = lastText.isEmpty() ? content.length - 1 : Math.min(Long.parseLong(lastText), content.length - 1L);
        if (first >= content.length) {
            return error(416, "global", "requestedRangeNotSatisfiable", "Request range not satisfiable", "range");
        }
        byte[] part = java.util.Arrays.copyOfRange(content, (int) first, (int) last + 1);
        headers.put("Content-Range", "bytes " + first + "-" + last + "/" + content.length);
        return new Response(206, headers, part);
    }

    private Response upload(Request r, String targetId) throws IOException {
        String type = r.param("uploadType");
        if (r.method.equals("PUT") && r.params.containsKey("upload_id")) {
            return chunk(r);
        }
        DriveStore.Item target = null;
        if (targetId != null) {
            if (!r.method.equals("PATCH")) {
                return notAllowed(r);
            }
            target = visible(r, targetId);
            if (target == null) {
                return notFound(targetId);
            }
        } else if (!r.method.equals("POST")) {
            return notAllowed(r);
        }
        if ("resumable".equals(type)) {
            JsonNode meta = r.body.length == 0 ? json.createObjectNode() : json.readTree(r.body);
            Response problem = target == null ? checkNewFile(r, meta) : checkProperties(meta);
            if (problem != null) {
                return problem;
            }
            String length = r.headers.getFirst("X-Upload-Content-Length");
            String contentType = r.headers.getFirst("X-Upload-Content-Type");
            DriveStore.Session session = new DriveStore.Session(DriveStore.newId(), targetId, meta,
                    contentType == null ? "application/octet-stream" : contentType,
                    length == null ? null : Long.parseLong(length), new LinkedHashMap<>(r.params));
            store.sessions.put(session.id, session);
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Location", baseUrl + "upload/drive/v3/files" + (targetId == null ? "" : "/" + targetId)
                    + "?uploadType=resumable&upload_id=" + session.id);
            headers.put("X-GUploader-UploadID", session.id);
            return new Response(200, headers, null);
        }
        JsonNode meta;
        byte[] content;
        String contentType;
        if ("multipart".equals(type)) {
            List<Multipart.Part> parts = Multipart.parse(r.headers.getFirst("Content-Type"), r.body);
            if (parts.size() != 2) {
                return error(400, "global", "badContent", "multipart upload needs metadata and media parts", null);
            }
            meta = json.readTree(parts.get(0).body());
            content = parts.get(1).body();
            contentType = parts.get(1).contentType();
        } else if ("media".equals(type)) {
            meta = json.createObjectNode();
            content = r.body;
            contentType = r.headers.getFirst("Content-Type");
        } else {
            return error(400, "global", "invalid", "Invalid uploadType " + type, "uploadType");
        }
        Response problem = target == null ? checkNewFile(r, meta) : checkProperties(meta);
        if (problem == null) {
            problem = takeQuota(content.length);
        }
        if (problem != null) {
            return problem;
        }
        uploadBytesReceived += content.length;
        DriveStore.Item item = finish(target, meta, contentType, content);
        Response lost = target == null ? lostCreateAnswer() : lostUpdateAnswer();
        return lost != null ? lost : jsonResponse(200, project(r, fileJson(item)));
    }

    private Response chunk(Request r) {
        DriveStore.Session session = store.sessions.get(r.param("upload_id"));
        if (session == null) {
            return error(404, "global", "notFound", "Upload session not found or expired; start a new upload.", null);
        }
        if (session.completedId != null) {
            // a finished session answers any further PUT (the status query of a client that lost the answer) with the file
            DriveStore.Item done = store.items.get(session.completedId);
            if (done == null) {
                return notFound(session.completedId);
            }
            String fields = session.params.get("fields");
            return jsonResponse(200, fields == null ? defaultFile(fileJson(done)) : Fields.parse(fields).apply(fileJson(done)));
        }
        String range = r.headers.getFirst("Content-Range");
        if (range == null || !range.startsWith("bytes ")) {
            return error(400, "global", "badRequest", "Content-Range is required on a resumable upload PUT", null);
        }
        String spec = range.substring("bytes ".length());
        String rangePart = spec.substring(0, spec.indexOf('/'));
        String totalPart = spec.substring(spec.indexOf('/') + 1);
        if (!totalPart.equals("*")) {
            session.total = Long.parseLong(totalPart);
        }
        if (!rangePart.equals("*")) {
            long first = Long.parseLong(rangePart.substring(0, rangePart.indexOf('-')));
            long last = Long.parseLong(rangePart.substring(rangePart.indexOf('-') + 1));
            if (last - first + 1 != r.body.length) {
                return error(400, "global", "badRequest", "Content-Range does not match the body length", null);
            }
            long received = session.received.size();
            if (first > received) {
                return error(400, "global", "badRequest", "chunk starts at " + first + " but only " + received
                        + " bytes were received", null);
            }
            boolean isLast = session.total != null && last + 1 == session.total;
            if (!isLast && r.body.length % CHUNK_GRANULARITY != 0) {
                return error(400, "global", "badRequest",
                        "Chunks other than the last must be a multiple of 256 KiB, was " + r.body.length, null);
            }
            int skip = (int) (received - first);
            int fresh = r.body.length - skip;
            Response quota = takeQuota(fresh);
            if (quota != null) {
                return quota;
            }
            uploadBytesReceived += r.body.length;
            session.received.write(r.body, skip, fresh);
        }
        long received = session.received.size();
        if (session.total != null && received == session.total) {
            DriveStore.Item target = session.targetId == null ? null : store.items.get(session.targetId);
            if (session.targetId != null && target == null) {
                store.sessions.remove(session.id);
                return notFound(session.targetId);
            }
            if (target == null) {
                Response taken = idProblem(session.metadata);
                if (taken != null) {
                    store.sessions.remove(session.id);
                    return taken;
                }
            }
            DriveStore.Item item = finish(target, session.metadata, session.contentType, session.received.toByteArray());
            session.completedId = item.id;
            Response lost = target == null ? lostCreateAnswer() : lostUpdateAnswer();
            if (lost != null) {
                return lost;
            }
            String fields = session.params.get("fields");
            return jsonResponse(200, fields == null ? defaultFile(fileJson(item)) : Fields.parse(fields).apply(fileJson(item)));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (received > 0) {
            headers.put("Range", "bytes=0-" + (received - 1));
        }
        return new Response(308, headers, null);
    }

    private Response takeQuota(long bytes) {
        if (uploadedToday + bytes > dailyQuota) {
            String message = dailyQuotaReason.equals("userRateLimitExceeded")
                    ? "User rate limit exceeded." : "The daily upload limit has been reached.";
            return error(403, "usageLimits", dailyQuotaReason, message, null);
        }
        uploadedToday += bytes;
        return null;
    }

    private DriveStore.Item finish(DriveStore.Item target, JsonNode meta, String contentType, byte[] content) {
        byte[] stored = content;
        if (corruptUploads > 0 && content.length > 0) {
            corruptUploads--;
            stored = content.clone();
            stored[0] ^= 0x01;
        }
        if (target != null) {
            applyMetadata(target, meta);
            target.setContent(stored);
            if (!meta.has("modifiedTime")) {
                target.modifiedTime = Instant.now();
            }
            return target;
        }
        DriveStore.Item item = createItem(meta, stored, contentType == null ? "application/octet-stream" : contentType);
        return item;
    }

    // ---------------------------------------------------------------- helpers

    private DriveStore.Item createItem(JsonNode meta, byte[] content, String defaultType) {
        String parent = meta.path("parents").path(0).asText(store.myDriveRootId);
        String id = meta.hasNonNull("id") ? meta.get("id").asText() : DriveStore.newId();
        store.generatedIds.remove(id);
        DriveStore.Item item = store.newItem(id, meta.path("name").asText("Untitled"),
                meta.path("mimeType").asText(defaultType), store.resolve(parent).id);
        applyMetadata(item, meta);
        if (!item.isFolder()) {
            item.setContent(content == null ? new byte[0] : content);
        }
        item.visibleFromListCall = store.listCalls + 1 + listingLag;
        if (duplicateCreates > 0) {
            duplicateCreates--;
            DriveStore.Item twin = store.newItem(item.name, item.mimeType, item.parents.get(0));
            applyMetadata(twin, meta);
            if (!twin.isFolder()) {
                twin.setContent(item.content);
            }
            twin.visibleFromListCall = item.visibleFromListCall;
        }
        return item;
    }

    private void applyMetadata(DriveStore.Item item, JsonNode meta) {
        item.version++;
        if (meta.hasNonNull("name")) {
            item.name = meta.get("name").asText();
        }
        if (meta.hasNonNull("modifiedTime")) {
            item.modifiedTime = OffsetDateTime.parse(meta.get("modifiedTime").asText()).toInstant();
        }
        if (meta.has("trashed")) {
            item.trashed = meta.get("trashed").asBoolean();
        }
        JsonNode props = meta.path("appProperties");
        for (Map.Entry<String, JsonNode> e : props.properties()) {
            if (e.getValue().isNull()) {
                item.appProperties.remove(e.getKey());
            } else {
                item.appProperties.put(e.getKey(), e.getValue().asText());
            }
        }
    }

    private Response checkNewFile(Request r, JsonNode meta) {
        Response problem = checkProperties(meta);
        if (problem == null) {
            problem = idProblem(meta);
        }
        if (problem != null) {
            return problem;
        }
        JsonNode parents = meta.path("parents");
        if (parents.size() > 1) {
            return error(400, "global", "badRequest", "Increasing the number of parents is not allowed.", null);
        }
        String parentId = parents.path(0).asText("root");
        DriveStore.Item parent = visible(r, parentId);
        if (parent == null || !parent.isFolder()) {
            return error(404, "global", "notFound", "File not found: " + parentId + ".", "fileId");
        }
        if (serviceAccountQuotaMode && parent.driveId == null) {
            return error(403, "usageLimits", "storageQuotaExceeded", "Service Accounts do not have storage quota. "
                    + "Leverage shared drives (https://developers.google.com/workspace/drive/api/guides/about-shareddrives), "
                    + "or use OAuth delegation instead.", null);
        }
        return null;
    }

    /**
     * A create naming its id: Drive takes only ids from files.generateIds, and answers a create whose id is
     * already taken (a retry of a create that went through) with 409 instead of making a duplicate.
     */
    private Response idProblem(JsonNode meta) {
        if (!meta.hasNonNull("id")) {
            return null;
        }
        String id = meta.get("id").asText();
        if (store.items.containsKey(id)) {
            return error(409, "global", "duplicate", "A file already exists with the provided ID.", "id");
        }
        if (!store.generatedIds.contains(id)) {
            return error(400, "global", "invalid", "The provided file ID is not usable.", "id");
        }
        return null;
    }

    private Response checkProperties(JsonNode meta) {
        JsonNode props = meta.path("appProperties");
        if (props.size() > 30) {
            return error(400, "global", "badRequest", "A file may have at most 30 private properties.", null);
        }
        for (Map.Entry<String, JsonNode> e : props.properties()) {
            int bytes = e.getKey().getBytes(StandardCharsets.UTF_8).length
                    + (e.getValue().isNull() ? 0 : e.getValue().asText().getBytes(StandardCharsets.UTF_8).length);
            if (bytes > MAX_PROPERTY_BYTES) {
                return error(400, "global", "badRequest", "The property " + e.getKey()
                        + " exceeds the maximum size of 124 bytes for key and value together.", null);
            }
        }
        return null;
    }

    /** The item, if it exists and this request may see it (shared-drive items need supportsAllDrives). */
    private DriveStore.Item visible(Request r, String id) {
        DriveStore.Item item = store.resolve(id);
        if (item == null || (item.driveId != null && !r.flag("supportsAllDrives"))) {
            return null;
        }
        return item;
    }

    ObjectNode fileJson(DriveStore.Item item) {
        ObjectNode f = json.createObjectNode();
        f.put("kind", "drive#file");
        f.put("id", item.id);
        f.put("name", item.name);
        f.put("mimeType", item.mimeType);
        ArrayNode parents = f.putArray("parents");
        item.parents.forEach(parents::add);
        if (!item.isFolder()) {
            byte[] content = item.content == null ? new byte[0] : item.content;
            f.put("size", Long.toString(content.length));
            f.put("md5Checksum", item.md5);
            f.put("sha256Checksum", item.sha256);
            if (item.headRevisionId() != null) {
                f.put("headRevisionId", item.headRevisionId());
            }
        }
        f.put("createdTime", item.createdTime.toString());
        f.put("modifiedTime", item.modifiedTime.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
        f.put("trashed", item.trashed);
        if (!item.appProperties.isEmpty()) {
            ObjectNode props = f.putObject("appProperties");
            item.appProperties.forEach(props::put);
        }
        if (item.driveId != null) {
            f.put("driveId", item.driveId);
        }
        f.put("version", Long.toString(item.version));
        return f;
    }

    private JsonNode project(Request r, ObjectNode file) {
        String fields = r.param("fields");
        return fields == null ? defaultFile(file) : Fields.parse(fields).apply(file);
    }

    private static JsonNode defaultFile(ObjectNode file) {
        return Fields.parse("kind,id,name,mimeType").apply(file);
    }

    private Response notFound(String id) {
        return error(404, "global", "notFound", "File not found: " + id + ".", "fileId");
    }

    private Response notAllowed(Request r) {
        return error(405, "global", "httpMethodNotAllowed", "Method " + r.method + " is not allowed on " + r.path, null);
    }

    Response error(int status, String domain, String reason, String message, String location) {
        ObjectNode body = json.createObjectNode();
        ObjectNode err = body.putObject("error");
        err.put("code", status);
        err.put("message", message);
        ObjectNode detail = err.putArray("errors").addObject();
        detail.put("message", message);
        detail.put("domain", domain);
        detail.put("reason", reason);
        if (location != null) {
            detail.put("location", location);
            detail.put("locationType", location.equals("Authorization") ? "header" : "parameter");
        }
        return jsonResponse(status, body);
    }

    private Response jsonResponse(int status, JsonNode body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", JSON_TYPE);
        try {
            return new Response(status, headers, json.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
