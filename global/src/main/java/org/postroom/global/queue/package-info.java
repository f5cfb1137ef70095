/** Package queue names the queue directories and IDs and moves queue files between them (Postfix mail_queue.c). */
package org.postroom.global.queue;
