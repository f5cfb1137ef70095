/** Package flush delivers deferred mail on request (Postfix flush.c): the flush(8) server. */
package org.postroom.flush;
