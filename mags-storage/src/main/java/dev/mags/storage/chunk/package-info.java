/** Content-addressed chunks: fixed-size chunking, SHA-256 ids, zstd objects, verified reads. */
package dev.mags.storage.chunk;
