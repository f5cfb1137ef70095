/** Package qmgr is qmgr(8): it moves mail through the queues and hands it to delivery agents (Postfix src/qmgr). */
package org.postroom.qmgr;
