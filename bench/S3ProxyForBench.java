import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * S3Proxy 4.1.0 over an in-memory store on 127.0.0.1, for bench/bwlimit.sh (run as a single-file
 * program: java -cp CLASSPATH bench/S3ProxyForBench.java ACCESS_KEY SECRET_KEY BUCKET). Prints
 * {@code ENDPOINT <url>} on stdout once the bucket exists, then serves until stdin closes.
 */
public final class S3ProxyForBench {
    public static void main(String[] args) throws Exception {
        TransientNio2BlobStore store = new TransientNio2BlobStore();
        S3Proxy proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, args[0], args[1])
                .ignoreUnknownHeaders(true).build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        store.createContainer(args[2]);
        System.out.println("ENDPOINT http://127.0.0.1:" + proxy.getPort()); // S3Proxy logs to stdout too
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until the script closes our stdin
        }
        proxy.stop();
    }
}
