//! `nap diff`: structured changes between two plan models, and the redline.
