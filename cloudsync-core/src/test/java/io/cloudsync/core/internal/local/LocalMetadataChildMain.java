package io.cloudsync.core.internal.local;

import io.cloudsync.spi.MetadataObject;
import io.cloudsync.spi.MetadataPrecondition;
import io.cloudsync.spi.ProviderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A separate process for {@link LocalMetadataProcessTest}: waits for the start file, then tries
 * {@code attempts} times to replace the object with its own bytes over the version it just read, and
 * appends to its output file the version each successful put replaced.
 */
public final class LocalMetadataChildMain {

    private LocalMetadataChildMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path directory = Path.of(args[0]);
        String name = args[1];
        String id = args[2];
        int attempts = Integer.parseInt(args[3]);
        Path start = Path.of(args[4]);
        Path out = Path.of(args[5]);
        while (!Files.exists(start)) {
            Thread.sleep(1);
        }
        LocalProvider p = new LocalProvider(directory);
        StringBuilder replaced = new StringBuilder();
        for (int i = 0; i < attempts; i++) {
            MetadataObject read = p.getMetadata(name).orElseThrow();
            try {
                p.putMetadata(name, (id + " " + i).getBytes(StandardCharsets.UTF_8), MetadataPrecondition.ifVersion(read.version()));
                replaced.append(read.version()).append('\n');
            } catch (ProviderException e) {
                if (e.kind() != ProviderException.Kind.CONFLICT) {
                    throw e;
                }
            }
        }
        Files.writeString(out, replaced, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
