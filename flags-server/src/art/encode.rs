//! Encoding a canvas as a GIF with the `gif` crate: one frame, one global palette.
//!
//! The flag site's files are GIF89a images with a global colour table, and so are ours. GIF
//! compresses rows of equal palette indices with LZW, which suits flags: large flat areas make
//! files of a few kilobytes. Run the tests with `cargo test -p flags-server --lib art::encode`.

use super::canvas::Canvas;

/// The bytes of a GIF file showing `canvas`.
///
/// # Errors
/// Fails only if the canvas cannot be a GIF (more than 256 colours), which [`Canvas`] prevents.
pub fn gif(canvas: &Canvas) -> Result<Vec<u8>, gif::EncodingError> {
    let palette: Vec<u8> = canvas.palette().iter().flatten().copied().collect();
    let mut encoder = gif::Encoder::new(Vec::new(), canvas.width(), canvas.height(), &palette)?;
    let frame = gif::Frame {
        width: canvas.width(),
        height: canvas.height(),
        buffer: std::borrow::Cow::Borrowed(canvas.pixels()),
        ..gif::Frame::default()
    };
    encoder.write_frame(&frame)?;
    // `into_inner` writes the trailer byte that ends the file.
    Ok(encoder.into_inner()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gif_round_trips_pixels_and_palette() {
        let mut canvas = Canvas::new(6, 4, [255, 255, 255]);
        canvas.fill_rect(0.0, 0.0, 3.0, 4.0, [200, 16, 46]);
        let bytes = gif(&canvas).expect("encodes");
        assert!(bytes.starts_with(b"GIF89a"));
        assert_eq!(bytes.last(), Some(&0x3B), "ends with the GIF trailer");

        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::RGBA);
        let mut decoder = options.read_info(bytes.as_slice()).expect("a valid GIF");
        let frame = decoder
            .read_next_frame()
            .expect("readable")
            .expect("one frame");
        assert_eq!((frame.width, frame.height), (6, 4));
        assert_eq!(
            &frame.buffer[..4],
            &[200, 16, 46, 255],
            "top-left pixel is red"
        );
        assert_eq!(
            &frame.buffer[5 * 4..6 * 4],
            &[255, 255, 255, 255],
            "top-right pixel is white"
        );
    }
}
