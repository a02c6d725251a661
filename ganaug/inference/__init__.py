"""Using a trained classifier: reading new images with it (files, folders, sheets), the predictions' tables and
pictures, and exporting it to ONNX."""
