"""Digits, sheets and pages rendered from known digits, which the tests and benchmarks read back: not shipped."""
from rendering.pages import TRAITS, freehand_sheet, held_out_rows, lifted_bar, numbers, on_a4_page, person_page, with_table_edge
from rendering.photos import (PHOTOS, SCANS, bold, doubled, in_ink, photo, photo_folder, photographed, photographed_page,
                              sheet_photo, square, tight, with_margin)
from rendering.strokes import stroke_folder
