package dev.mags.sdk;

import java.io.InputStream;

/** The head of a streaming answer and its body, read as it arrives. */
record StreamResponse(int statusCode, InputStream body) {}
