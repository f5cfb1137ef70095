/** Package rewrite is trivial-rewrite(8): address canonicalisation and next-hop resolution (Postfix src/trivial-rewrite). */
package org.postroom.rewrite;
