/** Package proto holds the records and client stubs of Postroom's internal protocols (Postfix *_clnt.c, deliver_request.c). */
package org.postroom.global.proto;
