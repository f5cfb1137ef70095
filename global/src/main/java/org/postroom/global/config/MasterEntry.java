package org.postroom.global.config;

import java.util.List;
import java.util.Map;

/**
 * One master.cf service (master_ent.c): the eight columns, with the command split into the program name,
 * its {@code -o name=value} overrides and its other arguments.
 *
 * @param wakeup        seconds between wake-up triggers, 0 for never
 * @param wakeupIfUsed  the trailing '?': no wake-up until the service has been used once
 * @param maxProcesses  concurrency limit, 0 for no limit
 */
public record MasterEntry(String service, ServiceType type, boolean privateSocket, boolean unprivileged,
                          boolean chroot, int wakeup, boolean wakeupIfUsed, int maxProcesses,
                          String command, Map<String, String> overrides, List<String> args, int line) {

    /** The master.cf type column. */
    public enum ServiceType {
        INET("inet"), UNIX("unix"), UNIX_DGRAM("unix-dgram"), FIFO("fifo"), PASS("pass");

        public final String word;

        ServiceType(String word) {
            this.word = word;
        }

        public static ServiceType of(String w) {
            for (ServiceType t : values()) if (t.word.equals(w)) return t;
            return null;
        }
    }

    /** Identity is (name, type), as in Postfix. */
    public String key() {
        return service + "/" + type.word;
    }

    /** The socket path relative to queue_directory for unix services: private/NAME or public/NAME. */
    public String socketPath() {
        return (privateSocket ? "private/" : "public/") + service;
    }
}
