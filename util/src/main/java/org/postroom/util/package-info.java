/** Package util holds mail-agnostic helpers: sanitising, durations, sizes, exit codes, POSIX calls (Postfix src/util). */
package org.postroom.util;
