package io.cloudsync.core.internal.vault;

import io.cloudsync.ConfigurationException;
import io.cloudsync.Secret;
import io.cloudsync.VaultException;
import io.cloudsync.VaultException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the vault passphrase comes from: an explicit passphrase file or command (as restic's
 * {@code --password-file} / {@code --password-command} and rclone's {@code --password-command}),
 * else the environment variable {@value #ENV}. The explicit sources win over the ambient one.
 */
public final class PassphraseSources {

    /** The environment variable of the original design. */
    public static final String ENV = "CLOUDSYNC_SECRETS_KEY";

    private static final Logger LOG = LoggerFactory.getLogger(PassphraseSources.class);
    private static final int MAX_BYTES = 64 * 1024;
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private PassphraseSources() {
    }

    /** See {@code io.cloudsync.core.Vaults#passphraseFrom}. */
    public static Secret from(Map<String, String> env, Path passphraseFile, List<String> passphraseCommand) {
        if (passphraseFile != null && !passphraseCommand.isEmpty()) {
            throw new ConfigurationException("give either a passphrase file or a passphrase command for the vault, "
                    + "not both");
        }
        if (passphraseFile != null) {
            return fromFile(passphraseFile);
        }
        if (!passphraseCommand.isEmpty()) {
            return fromCommand(passphraseCommand);
        }
        String value = env.get(ENV);
        if (value == null || value.isEmpty()) {
            throw new VaultException(Reason.NO_PASSPHRASE, "no vault passphrase: set the environment variable " + ENV
                    + ", or give a passphrase file or a passphrase command");
        }
        LOG.debug("vault.passphrase source=env variable={}", ENV);
        return Secret.of(value);
    }

    private static Secret fromFile(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new VaultException(Reason.NO_PASSPHRASE, "passphrase file " + file + " is larger than "
                        + MAX_BYTES + " bytes; it should hold the passphrase and nothing else");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new VaultException(Reason.NO_PASSPHRASE, "passphrase file " + file + " does not exist; check the path",
                    e);
        } catch (IOException e) {
            throw new VaultException(Reason.IO, "cannot read passphrase file " + file + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        warnIfReadableByOthers(file);
        Secret secret = decode(bytes, "passphrase file " + file + " is empty (a trailing newline does not count)");
        LOG.debug("vault.passphrase source=file path={}", file);
        return secret;
    }

    private static Secret fromCommand(List<String> command) {
        // Only the program is ever named: its arguments may hold a secret (echo, pass show ...).
        String program = command.get(0);
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new VaultException(Reason.NO_PASSPHRASE, "cannot start passphrase command '" + program
                    + "': it is missing or not executable. Check the program name");
        }
        byte[] bytes;
        try (InputStream out = process.getInputStream()) {
            bytes = readLimited(out);
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new VaultException(Reason.NO_PASSPHRASE, "passphrase command '" + program + "' did not finish in "
                        + COMMAND_TIMEOUT_SECONDS + " s");
            }
        } catch (IOException e) {
            process.destroyForcibly();
            throw new VaultException(Reason.NO_PASSPHRASE, "cannot read the output of passphrase command '" + program
                    + "' (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new VaultException(Reason.NO_PASSPHRASE, "interrupted while waiting for passphrase command '"
                    + program + "'");
        }
        if (process.exitValue() != 0) {
            Arrays.fill(bytes, (byte) 0);
            throw new VaultException(Reason.NO_PASSPHRASE, "passphrase command '" + program + "' failed with exit status "
                    + process.exitValue() + "; run it by hand to see why");
        }
        Secret secret = decode(bytes, "passphrase command '" + program + "' printed nothing");
        LOG.debug("vault.passphrase source=command program={}", program);
        return secret;
    }

    private static byte[] readLimited(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (out.size() + n > MAX_BYTES) {
                throw new IOException("more than " + MAX_BYTES + " bytes of output");
            }
            out.write(buffer, 0, n);
        }
        Arrays.fill(buffer, (byte) 0);
        return out.toByteArray();
    }

    /** UTF-8, without the trailing line ending that files and commands usually add. */
    private static Secret decode(byte[] bytes, String whenEmpty) {
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
        Arrays.fill(bytes, (byte) 0);
        int end = chars.limit();
        while (end > 0 && (chars.get(end - 1) == '\n' || chars.get(end - 1) == '\r')) {
            end--;
        }
        char[] value = new char[end];
        chars.get(value, 0, end);
        if (chars.hasArray()) {
            Arrays.fill(chars.array(), '\0');
        }
        try {
            if (value.length == 0) {
                throw new VaultException(Reason.NO_PASSPHRASE, whenEmpty);
            }
            return Secret.of(value);
        } finally {
            Arrays.fill(value, '\0');
        }
    }

    private static void warnIfReadableByOthers(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            EnumSet<PosixFilePermission> others = EnumSet.of(PosixFilePermission.GROUP_READ,
                    PosixFilePermission.OTHERS_READ);
            others.retainAll(permissions);
            if (!others.isEmpty()) {
                LOG.warn("vault.passphrase_file_readable path={} permissions={} hint=\"chmod 600 {}\"", file,
                        java.nio.file.attribute.PosixFilePermissions.toString(permissions), file);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system: nothing to check.
        }
    }
}
