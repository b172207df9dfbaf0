package io.cloudsync.spring;

import io.cloudsync.ConfigurationException;
import io.cloudsync.LockHeldException;
import io.cloudsync.SyncRequest;
import io.cloudsync.core.CloudSync;
import io.cloudsync.core.result.SyncResult;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.scheduling.support.CronTrigger;

/**
 * Runs the syncs of {@code cloudsync.schedule.<service>}: at each time its cron expression names, a run of
 * the service's snapshot with the same lock and delete guards as {@code cloudsync sync}. A run still going
 * when the next time comes is not doubled: the next one finds the lock held and is skipped (logged). A
 * refused plan or a run that stops before it begins is logged; it reaches the listeners (the health
 * indicator's {@link CloudSyncRuns} among them) as every run's outcome does. Stopping the application
 * interrupts a run in progress; the next run resumes it.
 */
public final class CloudSyncScheduler implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(CloudSyncScheduler.class);

    /** A service's schedule, checked. */
    record Entry(String service, String snapshot, CronExpression cron, ZoneId zone, String expression) {
    }

    private final CloudSync cloudSync;
    private final List<Entry> entries;
    private @Nullable ThreadPoolTaskScheduler scheduler;

    /**
     * Checks the schedules against the configuration.
     *
     * @param cloudSync the instance that runs the syncs
     * @param schedules service to schedule, as in {@code cloudsync.schedule}
     * @throws ConfigurationException naming the property that is missing or wrong, and how to mend it
     */
    public CloudSyncScheduler(CloudSync cloudSync, Map<String, CloudSyncProperties.Schedule> schedules) {
        this.cloudSync = cloudSync;
        this.entries = List.copyOf(check(schedules, cloudSync.config().services()).values());
    }

    /**
     * Checks every schedule: a configured service, a snapshot, a valid cron expression and time zone.
     *
     * @return service to its checked schedule
     */
    static Map<String, Entry> check(Map<String, CloudSyncProperties.Schedule> schedules, Set<String> services) {
        Map<String, Entry> out = new LinkedHashMap<>();
        schedules.forEach((service, s) -> {
            String at = "cloudsync.schedule." + service;
            if (!services.contains(service)) {
                throw new ConfigurationException(at + " names a service that is not configured (configured: "
                        + new java.util.TreeSet<>(services) + "); configure it under cloudsync.services." + service
                        + " or remove the schedule");
            }
            String expression = s.getCron();
            if (expression == null || expression.isBlank()) {
                throw new ConfigurationException(at + ".cron is missing; give a Spring cron expression (seconds first),"
                        + " such as \"0 0 2 * * *\" for 02:00 every day");
            }
            String snapshot = s.getSnapshot();
            if (snapshot == null || snapshot.isBlank()) {
                throw new ConfigurationException(at + ".snapshot is missing; name the snapshot to sync, as --snapshot"
                        + " does, such as \"nightly\"");
            }
            CronExpression cron;
            try {
                cron = CronExpression.parse(expression);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(at + ".cron \"" + expression + "\" is not a cron expression: "
                        + e.getMessage() + "; write six fields, seconds first, such as \"0 */15 * * * *\" for every"
                        + " quarter hour", e);
            }
            ZoneId zone;
            try {
                zone = s.getZone() == null ? ZoneId.systemDefault() : ZoneId.of(s.getZone());
            } catch (DateTimeException e) {
                throw new ConfigurationException(at + ".zone \"" + s.getZone() + "\" is not a time zone; write such as"
                        + " \"UTC\" or \"Europe/Berlin\"", e);
            }
            if (cron.next(ZonedDateTime.now(zone)) == null) {
                throw new ConfigurationException(at + ".cron \"" + expression + "\" never comes round; check its fields");
            }
            out.put(service, new Entry(service, snapshot, cron, zone, expression));
        });
        return out;
    }

    /**
     * The time between two consecutive runs of a schedule from now (for an irregular expression, the next
     * gap only).
     *
     * @return the gap, or {@code null} when the schedule runs once at most
     */
    static @Nullable Duration interval(Entry e) {
        ZonedDateTime first = e.cron().next(ZonedDateTime.now(e.zone()));
        ZonedDateTime second = first == null ? null : e.cron().next(first);
        return second == null ? null : Duration.between(first, second);
    }

    /**
     * The checked schedules.
     *
     * @return one per scheduled service
     */
    List<Entry> entries() {
        return entries;
    }

    /**
     * Runs one scheduled sync now, in the calling thread.
     *
     * @param service the service
     * @param snapshot the snapshot
     */
    void runOnce(String service, String snapshot) {
        try {
            SyncResult result = cloudSync.run(SyncRequest.builder(service, snapshot).build());
            LOG.atInfo().setMessage("cloudsync.schedule").addKeyValue("service", service).addKeyValue("snapshot", snapshot)
                    .addKeyValue("status", result.summary().status().jsonName())
                    .addKeyValue("uploaded", result.summary().uploaded()).addKeyValue("deleted", result.summary().deleted())
                    .addKeyValue("failed", result.summary().failed()).log();
        } catch (LockHeldException e) {
            LOG.atInfo().setMessage("cloudsync.schedule").addKeyValue("service", service).addKeyValue("snapshot", snapshot)
                    .addKeyValue("status", "skipped").addKeyValue("reason", e.getMessage()).log();
        } catch (RuntimeException e) {
            LOG.atWarn().setMessage("cloudsync.schedule").addKeyValue("service", service).addKeyValue("snapshot", snapshot)
                    .addKeyValue("status", "failed").addKeyValue("reason", String.valueOf(e.getMessage())).log();
            // CloudSyncRuns has recorded it already: CloudSync tells its listeners (SyncListener#onFailed)
        }
    }

    @Override
    public synchronized void start() {
        if (scheduler != null || entries.isEmpty()) {
            return;
        }
        ThreadPoolTaskScheduler s = new ThreadPoolTaskScheduler();
        s.setPoolSize(entries.size());
        s.setThreadNamePrefix("cloudsync-schedule-");
        s.setDaemon(true);
        s.initialize();
        for (Entry e : entries) {
            s.schedule(() -> runOnce(e.service(), e.snapshot()), new CronTrigger(e.expression(), e.zone()));
            LOG.atInfo().setMessage("cloudsync.schedule").addKeyValue("service", e.service())
                    .addKeyValue("snapshot", e.snapshot()).addKeyValue("cron", e.expression())
                    .addKeyValue("zone", e.zone().getId()).addKeyValue("status", "scheduled").log();
        }
        scheduler = s;
    }

    @Override
    public synchronized void stop() {
        ThreadPoolTaskScheduler s = scheduler;
        scheduler = null;
        if (s != null) {
            s.shutdown();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
