package org.postroom.tools.postqueue;

import org.postroom.global.proto.showq.QueueEntry;

/** An output format for the queue listing: one call per message, then one at the end. */
interface Listing {
    void entry(QueueEntry e);

    void end();
}
