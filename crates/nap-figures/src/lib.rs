//! Figures drawn from the data as SVG, and rasterised to PNG for DOCX.
