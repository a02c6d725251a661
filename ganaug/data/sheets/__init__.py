"""A photographed or scanned sheet of handwritten digits → one image file per digit: the paper found and straightened
(`paper`), a freehand sheet's digits found and grouped into rows (`rows`), the sheet cut into cells (`cutting`), and
each cell labelled and written under its label's folder (`labelling`)."""
from ganaug.data.sheets.cutting import Cell, read_cells
from ganaug.data.sheets.labelling import cell_labels, cut, cut_sheet, preview, sheet_settings
from ganaug.data.sheets.paper import SHEET_SIZE, even_light, sheet_corners

__all__ = ["Cell", "SHEET_SIZE", "cell_labels", "cut", "cut_sheet", "even_light", "preview", "read_cells",
           "sheet_corners", "sheet_settings"]
