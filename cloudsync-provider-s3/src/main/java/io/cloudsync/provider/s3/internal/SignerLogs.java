package io.cloudsync.provider.s3.internal;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SDK's SigV4 signer logs each canonical request at DEBUG (logger
 * {@code software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner}), and the canonical
 * request of session credentials holds the {@code x-amz-security-token} header in clear. Whatever logging
 * backend and levels the host uses, {@link #redact()} wraps that logger once per JVM so that its lines
 * still appear, with every token, credential or signature value replaced by {@code <redacted>}. The SDK
 * offers no switch for this, so the wrapper is put in by reflection on the SDK's logger object; should a
 * later SDK change its shape, nothing is wrapped and a warning names the logger to keep at INFO.
 */
final class SignerLogs {

    private static final Logger LOG = LoggerFactory.getLogger(SignerLogs.class);
    /** SDK classes whose logger may print a canonical request: the current signer and the legacy one. */
    private static final List<String> SIGNERS = List.of(
            "software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner",
            "software.amazon.awssdk.auth.signer.internal.AbstractAws4Signer");
    private static final Pattern TOKEN_HEADER = Pattern.compile("(?im)^(x-amz-security-token:).*$");
    private static final Pattern QUERY = Pattern.compile(
            "(?i)((?:X-Amz-Security-Token|X-Amz-Credential|X-Amz-Signature)=)[^&\\s]+");
    private static final Pattern AUTHORIZATION = Pattern.compile("(?i)((?:Credential|Signature)=)[^,\\s]+");
    private static boolean done;

    private SignerLogs() {
    }

    /** Puts the redacting wrapper around the SDK signers' loggers, once per JVM. */
    static synchronized void redact() {
        if (done) {
            return;
        }
        done = true;
        for (String name : SIGNERS) {
            try {
                wrap(Class.forName(name, true, SignerLogs.class.getClassLoader()));
            } catch (ClassNotFoundException e) {
                // that signer is not on the class path
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                if (LoggerFactory.getLogger(name).isDebugEnabled()) {
                    LOG.warn("s3.signer_log_not_redacted logger={} error={} hint=keep this logger at INFO: at DEBUG it"
                            + " prints canonical requests, which hold the x-amz-security-token of session credentials",
                            name, e.getClass().getSimpleName());
                }
            }
        }
    }

    private static void wrap(Class<?> signer) throws ReflectiveOperationException {
        for (Field f : signer.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || !f.getType().getName().equals("software.amazon.awssdk.utils.Logger")) {
                continue;
            }
            f.setAccessible(true);
            Object sdkLogger = f.get(null);
            if (sdkLogger == null) {
                continue;
            }
            Field inner = sdkLogger.getClass().getDeclaredField("log");
            inner.setAccessible(true);
            Logger delegate = (Logger) inner.get(sdkLogger);
            if (!Proxy.isProxyClass(delegate.getClass())) {
                inner.set(sdkLogger, redacting(delegate));
            }
        }
    }

    /** An slf4j logger that passes every call on with its text arguments redacted. */
    static Logger redacting(Logger delegate) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (args != null) {
                for (int i = 0; i < args.length; i++) {
                    args[i] = clean(args[i]);
                }
            }
            try {
                return method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, handler);
    }

    private static Object clean(Object arg) {
        if (arg instanceof String s) {
            return redact(s);
        }
        if (arg instanceof Object[] array) {
            Object[] copy = array.clone();
            for (int i = 0; i < copy.length; i++) {
                copy[i] = copy[i] instanceof String s ? redact(s) : copy[i];
            }
            return copy;
        }
        return arg;
    }

    static String redact(String text) {
        String out = TOKEN_HEADER.matcher(text).replaceAll("$1<redacted>");
        out = QUERY.matcher(out).replaceAll("$1<redacted>");
        return AUTHORIZATION.matcher(out).replaceAll("$1<redacted>");
    }
}
