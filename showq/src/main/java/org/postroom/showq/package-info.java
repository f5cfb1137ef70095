/** Package showq lists the mail queue (Postfix showq.c): the showq(8) server and the scanner postqueue(1) reuses. */
package org.postroom.showq;
