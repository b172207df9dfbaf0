package io.cloudsync.provider.s3.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Records the operations a provider sent (and which succeeded), and can fail chosen requests like a dropped connection. */
final class Recorder implements ExecutionInterceptor {

    final List<String> attempted = new CopyOnWriteArrayList<>();
    final List<String> succeeded = new CopyOnWriteArrayList<>();
    private final Predicate<SdkRequest> fail;
    private final AtomicInteger failures = new AtomicInteger();

    Recorder() {
        this(r -> false);
    }

    Recorder(Predicate<SdkRequest> fail) {
        this.fail = fail;
    }

    /** Fails every request of the given type after the first {@code allowed} of them. */
    static Recorder failingAfter(Class<? extends SdkRequest> type, int allowed) {
        AtomicInteger seen = new AtomicInteger();
        return new Recorder(r -> type.isInstance(r) && seen.incrementAndGet() > allowed);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attempted.add(name(context.request()));
        if (fail.test(context.request())) {
            failures.incrementAndGet();
            throw SdkClientException.create("injected failure", new IOException("connection reset (injected)"));
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        succeeded.add(name(context.request()));
    }

    long attempted(String operation) {
        return attempted.stream().filter(operation::equals).count();
    }

    long succeeded(String operation) {
        return succeeded.stream().filter(operation::equals).count();
    }

    int failures() {
        return failures.get();
    }

    private static String name(SdkRequest request) {
        String simple = request.getClass().getSimpleName();
        return simple.endsWith("Request") ? simple.substring(0, simple.length() - "Request".length()) : simple;
    }
}
