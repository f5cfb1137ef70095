package org.postroom.service;

/** The closed set of service kinds a daemon can be. */
public sealed interface Service permits ConnectionService, RequestService, TriggerService {}
