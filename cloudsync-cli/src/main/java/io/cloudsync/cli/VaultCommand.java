package io.cloudsync.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudsync.ConfigurationException;
import io.cloudsync.Secret;
import io.cloudsync.Vault;
import io.cloudsync.core.Vaults;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code cloudsync vault ...}: the encrypted secrets vault ({@code config/cloudsync.secrets.json}).
 * Secret values are read from a prompt, stdin or a file, never from the command line where
 * {@code ps} could see them, and printed only by {@code get --reveal}.
 */
@Command(name = "vault", mixinStandardHelpOptions = true,
        description = {"Manage the encrypted secrets vault, <root>/" + Vaults.DEFAULT_FILE + " (see docs/SECRETS.md).",
                "The passphrase comes from --passphrase-file, --passphrase-command or CLOUDSYNC_SECRETS_KEY, or a prompt.",
                "Values are never taken from the command line: they come from a prompt, stdin or --from-file."},
        subcommands = {VaultCommand.Set.class, VaultCommand.Get.class, VaultCommand.ListKeys.class,
                VaultCommand.Remove.class, VaultCommand.Rotate.class})
final class VaultCommand implements Runnable {

    /** Bytes read from stdin for one value, at most. */
    static final int MAX_VALUE_BYTES = 1 << 20;

    @ParentCommand
    RootCommand root;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "Missing a vault command: set, get, list, remove or rotate-passphrase.");
    }

    Session session() {
        return new Session(root);
    }

    /** The passphrase from the usual sources, or a prompt when a person is at a console and none was given. */
    static Secret passphrase(Session s, boolean creating) {
        if (s.passphraseGiven() || s.terminal().console() == null) {
            return s.passphrase();
        }
        return prompt(s.terminal(), creating ? "New vault passphrase: " : "Vault passphrase: ", creating);
    }

    static Vault open(Session s) {
        if (!Vaults.exists(s.vaultFile())) {
            return s.openVault(); // throws, saying how to create one
        }
        Secret p = passphrase(s, false);
        try {
            return Vaults.open(s.vaultFile(), p);
        } finally {
            p.destroy();
        }
    }

    /** Reads a value: a prompt at a console (asked twice when {@code confirm}), else all of stdin. */
    static Secret readValue(Terminal t, String prompt, boolean confirm) {
        if (t.console() != null) {
            return prompt(t, prompt, confirm);
        }
        return fromStdin(t.in());
    }

    private static Secret prompt(Terminal t, String prompt, boolean confirm) {
        char[] first = t.console().readPassword("%s", prompt);
        if (first == null || first.length == 0) {
            throw new ConfigurationException("nothing was typed; give a non-empty value");
        }
        if (confirm) {
            char[] second = t.console().readPassword("%s", "Again, to confirm: ");
            boolean same = second != null && Arrays.equals(first, second);
            if (second != null) {
                Arrays.fill(second, '\0');
            }
            if (!same) {
                Arrays.fill(first, '\0');
                throw new ConfigurationException("the two entries differ; nothing was changed, try again");
            }
        }
        Secret secret = Secret.of(first);
        Arrays.fill(first, '\0');
        return secret;
    }

    /** All of stdin as UTF-8, without one trailing line ending. */
    static Secret fromStdin(InputStream in) {
        byte[] bytes;
        try {
            bytes = readLimited(in);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read the value from stdin: " + e + "; pipe it in, such as"
                    + " \"printf %s \\\"$VALUE\\\" | cloudsync vault set KEY\"", e);
        }
        return decode(bytes, "stdin");
    }

    static Secret fromFile(Path file) {
        try {
            if (Files.size(file) > MAX_VALUE_BYTES) {
                throw new ConfigurationException("file " + file + " is larger than " + MAX_VALUE_BYTES
                        + " bytes; a vault value must be smaller");
            }
            return decode(Files.readAllBytes(file), "file " + file);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read " + file + ": " + e + "; check the --from-file path", e);
        }
    }

    private static byte[] readLimited(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            if (out.size() > MAX_VALUE_BYTES) {
                throw new IOException("more than " + MAX_VALUE_BYTES + " bytes");
            }
        }
        return out.toByteArray();
    }

    private static Secret decode(byte[] bytes, String source) {
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\n') {
            end--;
            if (end > 0 && bytes[end - 1] == '\r') {
                end--;
            }
        }
        CharBuffer chars;
        try {
            chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, end));
        } catch (CharacterCodingException e) {
            throw new ConfigurationException("the value from " + source + " is not UTF-8 text; a vault value is text"
                    + " (encode binary data, for example as base64)", e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
        char[] value = new char[chars.remaining()];
        chars.get(value);
        Arrays.fill(chars.array(), '\0');
        if (value.length == 0) {
            throw new ConfigurationException("the value from " + source + " is empty; give a non-empty value");
        }
        Secret secret = Secret.of(value);
        Arrays.fill(value, '\0');
        return secret;
    }

    private static ObjectNode doc(Session s, String action) {
        ObjectNode doc = JsonOut.object();
        ObjectNode v = doc.putObject("vault");
        v.put("file", s.vaultFile().toString());
        v.put("action", action);
        return doc;
    }

    /** {@code vault set KEY}. */
    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Store a secret under KEY, creating the vault on first use.",
                    "KEY is a dotted name such as cloud_sync.s3. The value is read from a prompt, from stdin when it is not"
                            + " a terminal, or from --from-file."})
    static final class Set implements Callable<Integer> {
        @ParentCommand
        VaultCommand vault;

        @Parameters(paramLabel = "KEY", description = "Dotted key, such as cloud_sync.gdrive.credentials.")
        String key;

        @Option(names = "--from-file", paramLabel = "FILE", description = "Read the value from this file (such as a service-account JSON).")
        Path fromFile;

        @Override
        public Integer call() {
            Session s = vault.session();
            boolean created = !Vaults.exists(s.vaultFile());
            Secret value = fromFile != null ? fromFile(s.terminal().resolve(fromFile.toString()))
                    : readValue(s.terminal(), "Value for " + key + ": ", true);
            try {
                Secret passphrase = passphrase(s, created);
                Vault v;
                try {
                    v = Vaults.openOrCreate(s.vaultFile(), passphrase);
                } finally {
                    passphrase.destroy();
                }
                v.set(key, value);
            } finally {
                value.destroy();
            }
            if (s.json()) {
                ObjectNode doc = doc(s, "set");
                ((ObjectNode) doc.get("vault")).put("key", key).put("created", created);
                JsonOut.print(s.terminal(), doc);
            } else {
                s.say((created ? "Created the vault " + s.vaultFile() + " and stored " : "Stored ") + key + ".");
            }
            return ExitCodes.OK;
        }
    }

    /** {@code vault get KEY [--reveal]}. */
    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Say whether KEY is in the vault; print its value only with --reveal.")
    static final class Get implements Callable<Integer> {
        @ParentCommand
        VaultCommand vault;

        @Parameters(paramLabel = "KEY", description = "Dotted key.")
        String key;

        @Option(names = "--reveal", description = "Print the value on stdout.")
        boolean reveal;

        @Override
        public Integer call() {
            Session s = vault.session();
            Optional<Secret> value = open(s).get(key);
            if (s.json()) {
                ObjectNode doc = doc(s, "get");
                ObjectNode v = (ObjectNode) doc.get("vault");
                v.put("key", key).put("present", value.isPresent());
                if (reveal && value.isPresent()) {
                    v.put("value", value.get().revealString());
                }
                JsonOut.print(s.terminal(), doc);
            } else if (value.isEmpty()) {
                s.terminal().err().println("cloudsync: " + Text.safe(key) + " is not in the vault " + Text.safe(s.vaultFile().toString())
                        + "; \"cloudsync vault list\" shows what is");
            } else if (reveal) {
                s.terminal().out().println(value.get().revealString());
            } else {
                s.say(key + " is set. Pass --reveal to print its value.");
            }
            value.ifPresent(Secret::destroy);
            return value.isPresent() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    /** {@code vault list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the keys in the vault (never the values).")
    static final class ListKeys implements Callable<Integer> {
        @ParentCommand
        VaultCommand vault;

        @Override
        public Integer call() {
            Session s = vault.session();
            java.util.SortedSet<String> keys = open(s).list();
            if (s.json()) {
                ObjectNode doc = doc(s, "list");
                ArrayNode list = ((ObjectNode) doc.get("vault")).putArray("keys");
                keys.forEach(list::add);
                JsonOut.print(s.terminal(), doc);
            } else {
                keys.forEach(k -> s.terminal().out().println(Text.safe(k)));
                if (keys.isEmpty()) {
                    s.terminal().err().println("cloudsync: the vault " + Text.safe(s.vaultFile().toString()) + " is empty");
                }
            }
            return ExitCodes.OK;
        }
    }

    /** {@code vault remove KEY [--purge]}. */
    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Remove KEY from the vault. Removing a key that is not there changes nothing and succeeds.",
                    "Earlier values stay in the vault's five encrypted inline backups; --purge removes them too."})
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        VaultCommand vault;

        @Parameters(paramLabel = "KEY", description = "Dotted key.")
        String key;

        @Option(names = "--purge", description = {"Also remove every earlier value of KEY from the inline backups",
                "(backups that do not decrypt are dropped too), so the file holds it nowhere."})
        boolean purge;

        @Override
        public Integer call() {
            Session s = vault.session();
            Vault v = open(s);
            boolean removed = purge ? v.purge(key) : v.remove(key);
            if (s.json()) {
                ObjectNode doc = doc(s, "remove");
                ((ObjectNode) doc.get("vault")).put("key", key).put("removed", removed).put("purged", purge);
                JsonOut.print(s.terminal(), doc);
            } else if (purge) {
                s.say(removed ? "Removed " + key + " from the vault and from its backups." : key + " was not in the "
                        + "vault or its backups; nothing of it is left.");
            } else {
                s.say(removed ? "Removed " + key + ". Its earlier values stay in the vault's backups; \"cloudsync vault"
                        + " remove --purge " + key + "\" removes them too." : key + " was not in the vault; nothing changed.");
            }
            return ExitCodes.OK;
        }
    }

    /** {@code vault rotate-passphrase}. */
    @Command(name = "rotate-passphrase", mixinStandardHelpOptions = true,
            description = {"Re-encrypt the vault under a new passphrase and purge its inline backups.",
                    "The old passphrase opens nothing afterwards, and neither passphrase reads an earlier value from the"
                            + " file. The new passphrase comes from --new-passphrase-file, a prompt (asked twice), or stdin"
                            + " when it is not a terminal."})
    static final class Rotate implements Callable<Integer> {
        @ParentCommand
        VaultCommand vault;

        @Option(names = "--new-passphrase-file", paramLabel = "FILE", description = "Read the new passphrase from this file.")
        Path newPassphraseFile;

        @Override
        public Integer call() {
            Session s = vault.session();
            Vault v = open(s);
            Secret fresh = newPassphraseFile != null ? fromFile(s.terminal().resolve(newPassphraseFile.toString()))
                    : readValue(s.terminal(), "New vault passphrase: ", true);
            try {
                v.rotatePassphrase(fresh);
            } finally {
                fresh.destroy();
            }
            if (s.json()) {
                JsonOut.print(s.terminal(), doc(s, "rotate-passphrase"));
            } else {
                s.say("The vault " + s.vaultFile() + " now opens only with the new passphrase, and its inline backups"
                        + " were purged; update " + Vaults.PASSPHRASE_ENV + " or your passphrase file or command.");
            }
            return ExitCodes.OK;
        }
    }
}
