package io.cloudsync.testkit;

import io.cloudsync.spi.Provider;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.Secrets;

/**
 * How {@link ProviderContract} simulates a process that dies in the middle of an upload, for the
 * {@link io.cloudsync.spi.Capability#RESUMABLE_UPLOAD} rules (R6.*). Supplied by the contract
 * subclass of a provider that declares that capability, through
 * {@link ProviderUnderTest#uploadInterruption()}.
 *
 * <p>Why a hook: only the provider (or its test fixture) can stop an upload after some bytes have
 * really reached the remote. A local file that throws halfway does not work for every provider
 * (SDKs that take a {@code java.io.File} never see a custom file system), and killing a thread is
 * not possible in Java. Typical implementations: the test opens the provider's implementation class
 * directly with a fault of its own (not a setting: {@code open} refuses settings the factory does not
 * declare, rule D1.07), or a fixture server drops the connection after N bytes.
 *
 * <p>Every provider's R2.12 uses the hook when there is one (without it, the contract interrupts
 * through the upload's progress callback, and reports a skip when the provider reports no progress
 * midway).
 *
 * <p>What the contract does with it (R6.01): it opens a provider with
 * {@link #openDyingAfter}, uploads a file of {@link ContractSettings#largeFileBytes()} (or above the
 * multipart threshold, whichever is larger) and expects that call to throw (any exception). It
 * closes that provider, checks that nothing is readable under the final name, opens a normal
 * provider with the same settings and the same state folder, uploads the same file again and
 * expects the exact bytes to be stored. When {@link #bytesReceivedByRemote()} is known it also
 * checks that the second upload sent fewer bytes than the whole file. R6.02 does the same but
 * changes the local file (same size, other bytes, other SHA-256) before the second upload, and
 * expects only the new bytes to be stored.
 *
 * @since 0.1.0
 */
public interface UploadInterruption {

    /**
     * Opens a provider whose uploads die once at least {@code afterBytes} bytes of the file have
     * reached the remote: the upload call throws, as if the process had been killed there. Like a
     * killed process it cleans nothing up: the resume state it keeps (in
     * {@link ProviderConfig#stateDirectory()} or on the remote) stays, also through
     * {@link Provider#close()}.
     *
     * @param config the settings of the test's remote, with its state folder
     * @param secrets the secrets of the test's remote
     * @param afterBytes how far the upload gets; below the file size
     * @return an open provider; the contract closes it
     */
    Provider openDyingAfter(ProviderConfig config, Secrets secrets, long afterBytes);

    /**
     * How many bytes of file content the remote has received so far, over every upload of the test,
     * counting resent bytes again.
     *
     * @return the count, or -1 when the fixture cannot tell (the "no resend" part of R6.01 is then not checked)
     */
    default long bytesReceivedByRemote() {
        return -1;
    }
}
