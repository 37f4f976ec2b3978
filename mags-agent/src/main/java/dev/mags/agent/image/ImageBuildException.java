package dev.mags.agent.image;

/** An image could not be built; the message says which image and what failed. */
public class ImageBuildException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ImageBuildException(String message) {
        super(message);
    }

    public ImageBuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
