/** The sealed hierarchy of storage failures with their error codes. Depends on nothing else of the module. */
package dev.mags.storage.error;
