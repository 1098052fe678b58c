"""Survey business rules, one module per sub-domain:

- ``instruments``: questionnaire specifications loaded from YAML;
- ``national``: national reference figures;
- ``datasets``: datasets and files (storage, validation, loading);
- ``calculations``: the pure report calculations (national figures passed in as arguments);
- ``reports``: reports as portal background jobs (request, build, run in-process);
- ``audit``: audit trail and retention purge;
- ``templates``: templates and codebooks for data-entry contractors.

Every public name stays importable from ``surveys.services``.
"""

from ._common import (
    APP_DIR,
    INSTRUMENT_DIR,
    MAX_ATTEMPTS,
    MAX_PROBLEMS_STORED,
    NATIONAL_COLUMNS,
    NATIONAL_CSV,
    dataset_dir,
    private_root,
)
from .audit import audit_record
from .calculations import (
    ReportInputs,
    _labels,
    _records,
    headline_answers,
    hikikomori_section,
    protect_hikikomori,
    report_compute,
    weighting_note,
)
from .datasets import (
    ALLOWED_SUFFIXES,
    MARGIN_COLUMNS,
    dataset_create,
    dataset_discard,
    dataset_margins,
    dataset_margins_parse,
    dataset_margins_set,
    datasetfile_load,
    datasetfile_store,
    datasetfile_validate,
    datasetfile_validate_job,
    microdata_arrays,
    microdata_frame,
    microdata_path,
    problems_file_path,
)
from .instruments import (
    instrument_load,
    instrument_load_all,
    instrument_spec_read,
    instrument_variables,
)
from .national import (
    _national_frame,
    national_figures_load_shipped,
    national_figures_replace,
    national_profile,
)
from .reports import (
    report_build,
    report_job_run,
    report_request,
)
from .sharing import (
    report_share,
    shared_report_path,
    shared_report_withdraw,
    shared_reports_visible,
)
from .templates import (
    CODEBOOK_HEADER,
    instrument_codebook,
    instrument_template_csv,
    instrument_template_xlsx,
)

__all__ = [
    "report_share",
    "shared_report_path",
    "shared_report_withdraw",
    "shared_reports_visible",
    "MARGIN_COLUMNS",
    "dataset_margins",
    "dataset_margins_parse",
    "dataset_margins_set",
    "headline_answers",
    "hikikomori_section",
    "protect_hikikomori",
    "weighting_note",
    "national_profile",
    "private_root",
    "dataset_dir",
    "APP_DIR",
    "INSTRUMENT_DIR",
    "NATIONAL_CSV",
    "NATIONAL_COLUMNS",
    "MAX_PROBLEMS_STORED",
    "MAX_ATTEMPTS",
    "instrument_spec_read",
    "instrument_load",
    "instrument_load_all",
    "instrument_variables",
    "national_figures_replace",
    "national_figures_load_shipped",
    "_national_frame",
    "dataset_create",
    "datasetfile_store",
    "microdata_path",
    "microdata_arrays",
    "microdata_frame",
    "problems_file_path",
    "datasetfile_validate",
    "datasetfile_validate_job",
    "datasetfile_load",
    "dataset_discard",
    "ALLOWED_SUFFIXES",
    "_labels",
    "ReportInputs",
    "report_compute",
    "_records",
    "report_request",
    "report_job_run",
    "report_build",
    "audit_record",
    "instrument_codebook",
    "instrument_template_csv",
    "instrument_template_xlsx",
    "CODEBOOK_HEADER",
]
