/** Package cleanup is cleanup(8): it canonicalises and enqueues messages (Postfix src/cleanup). */
package org.postroom.cleanup;
