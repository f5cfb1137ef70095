/** Package master is master(8): the supervisor that starts, watches and restarts every Postroom service (Postfix src/master). */
package org.postroom.master;
