package org.postroom.service;

import java.nio.file.Path;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;
import org.postroom.global.queue.MailQueue;

/**
 * Everything a service gets from the skeleton: the immutable configuration (with this service's -o
 * overrides), its master.cf name and type, the queue, and whether it is under stress.
 */
public record ServiceContext(MainCf config, String serviceName, String serviceType, int maxProcesses, boolean publicSocket,
                             Stress stress) {
    public ServiceContext(MainCf config, String serviceName, String serviceType, int maxProcesses, boolean publicSocket) {
        this(config, serviceName, serviceType, maxProcesses, publicSocket, Stress.never());
    }

    public Path queueDirectory() {
        return Path.of(config.get(Params.QUEUE_DIRECTORY));
    }

    public MailQueue queue() {
        return new MailQueue(queueDirectory(), config.get(Params.HASH_QUEUE_NAMES), config.get(Params.HASH_QUEUE_DEPTH));
    }
}
