"""A qualkit project: a folder with settings, source files and one store.

This is the library API of ``design/api.md``; the CLI and the TUI are thin layers over it.
Everything returns plain data (dataclasses or pandas DataFrames).
"""
from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .front.coding import CodingSessionMixin
from .front.exports import ExportsMixin
from .front.privacy import PrivacyMixin
from .front.refi import RefiMixin
from .front.team import TeamMixin
from .models import Codeframe, Progress, QualkitError, ThemeRun
from .segment import SegmentSettings
from .settings import SETTINGS_FILE, STATE_DIR, TEMPLATE, load_settings
from .store import Store

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from .ingest.pipeline import IngestReport

DB_FILE = "qualkit.db"
FOLDERS = ("transcripts", "foi", "codeframes", "exports")
DEFAULT_CODEFRAME = Path(__file__).parent / "data" / "data-linkage.yaml"
SEGMENT_COLUMNS = ["segment_id", "document", "unit", "speaker", "question", "start", "end",
                   "text", "role", "timestamp", "flags", "party"]


class ProjectError(QualkitError):
    pass


def init_project(root: str | Path) -> "Project":
    """Create the folder layout, settings and store (keeping anything already there)."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise ProjectError(f"{root} exists and is not a folder")
    root.mkdir(parents=True, exist_ok=True)
    for folder in FOLDERS:
        (root / folder).mkdir(exist_ok=True)
    settings = root / SETTINGS_FILE
    if not settings.exists():
        settings.write_text(TEMPLATE, encoding="utf-8")
    codeframe = root / "codeframes" / DEFAULT_CODEFRAME.name
    if not codeframe.exists() and DEFAULT_CODEFRAME.exists():
        shutil.copyfile(DEFAULT_CODEFRAME, codeframe)
    state = root / STATE_DIR
    state.mkdir(exist_ok=True)
    # the store holds interview text: keep it out of version control by default
    (state / ".gitignore").write_text("*\n", encoding="utf-8")
    return Project(root)


def open_project(root: str | Path = ".") -> "Project":
    root = Path(root)
    if not ((root / SETTINGS_FILE).exists() or (root / STATE_DIR / DB_FILE).exists()):
        # inside a project's transcripts/, "run qualkit init" would make a project in a project
        above = next((d for d in root.resolve().parents if (d / SETTINGS_FILE).is_file()), None)
        advice = (f"the project is {above}: run qualkit there or pass -C {above}" if above
                  else f"run `qualkit init {root}` first")
        raise ProjectError(f"{root.resolve()} is not a qualkit project (no {SETTINGS_FILE}); "
                           f"{advice}")
    return Project(root)


class Project(CodingSessionMixin, TeamMixin, RefiMixin, PrivacyMixin, ExportsMixin):
    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        self.settings: dict[str, Any] = load_settings(self.root)
        state = self.root / STATE_DIR
        state.mkdir(exist_ok=True)
        self.cache_dir = state / "cache"
        self.store = Store(state / DB_FILE)
        self._codeframe: Codeframe | None = None
        self._embedder: Any = None

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Project({str(self.root)!r})"

    # -- ingest ---------------------------------------------------------------------------
    @property
    def segment_settings(self) -> SegmentSettings:
        return SegmentSettings(**self.settings["segment"])

    def source_paths(self) -> list[Path]:
        return [self.root / s for s in self.settings["sources"] if (self.root / s).exists()]

    def ingest(self, paths: Iterable[str | Path] | None = None,
               progress: "Progress | None" = None) -> "IngestReport":
        """Read files and folders (default: the project's sources) into the store."""
        from .ingest.limits import Limits
        from .ingest.pipeline import Ingester

        chosen = [Path(p) for p in paths] if paths else self.source_paths()
        chosen = [p if p.is_absolute() else (Path.cwd() / p) for p in chosen]
        limits = Limits.from_settings(self.settings["limits"])
        run = self.store.start_run("ingest", {"paths": [str(p) for p in chosen]})
        try:
            report = Ingester(self.store, self.root, self.segment_settings, limits).run(
                chosen, progress)
        except BaseException as e:
            self.store.abandon_run(run, e)
            raise
        self.store.finish_run(run, report.summary(), "ok" if report.ok else "partial")
        return report

    # -- reading --------------------------------------------------------------------------
    def documents(self) -> "pd.DataFrame":
        import pandas as pd

        rows = [
            {"document": r["name"], "kind": r["kind"], "path": r["path"],
             "n_segments": r["n_segments"], "format": r["format"]}
            for r in self.store.documents()
        ]
        cols = ["document", "kind", "path", "n_segments", "format"]
        docs = pd.DataFrame(rows, columns=cols)
        attrs = pd.DataFrame([dict(a) for a in self.store.attributes()],
                             columns=["document", "name", "value"])
        if attrs.empty:
            return docs
        from .ingest.report import namespaced

        wide = attrs.pivot(index="document", columns="name", values="value").reset_index()
        wide.columns.name = None
        wide = wide.rename(columns={c: namespaced(c) for c in wide.columns if c != "document"})
        return docs.merge(wide, on="document", how="left")

    def segments(self, document: str | None = None, speaker: str | None = None,
                 include_retired: bool = False) -> "pd.DataFrame":
        df = self._segment_table(include_retired)
        if document is not None:
            df = df[df["document"] == self.resolve_document(document)]
        if speaker is not None:
            df = df[df["speaker"].fillna("").str.lower() == speaker.lower()]
        return df[SEGMENT_COLUMNS].reset_index(drop=True)

    def segment_lists(self, columns: list[str] | None = None) -> dict[str, list[Any]]:
        """The active segments in document order as plain column lists, ``columns`` only
        (default all of ``SEGMENT_COLUMNS``): the same rows as ``segments()`` without pandas,
        for a screen that reads 50,000 of them at start-up."""
        columns = list(columns or SEGMENT_COLUMNS)
        rows = self.store.segment_fields(columns)
        if not rows:
            return {c: [] for c in columns}
        return {c: list(col) for c, col in zip(columns, zip(*rows))}

    def document_records(self) -> list[dict[str, Any]]:
        """``documents()`` as plain dicts, without pandas: document, kind, path, n_segments,
        format, then the document's own attributes (a document lacking one has no key)."""
        from .ingest.report import namespaced

        out = {r["name"]: {"document": r["name"], "kind": r["kind"], "path": r["path"],
                           "n_segments": r["n_segments"], "format": r["format"]}
               for r in self.store.documents()}
        for r in self.store.attributes():
            if r["document"] in out:
                out[r["document"]][namespaced(r["name"])] = r["value"]
        return list(out.values())

    def _segment_table(self, include_retired: bool) -> "pd.DataFrame":
        """Segments with their ``seq`` and ``active`` flag, in one read of the store."""
        import pandas as pd

        rows = self.store.segments(active_only=not include_retired)
        names = list(rows[0].keys()) if rows else SEGMENT_COLUMNS + ["seq", "active"]
        return pd.DataFrame([tuple(r) for r in rows], columns=names)

    def resolve_document(self, name: str) -> str:
        """A document's name from its exact name, its file stem, or a unique part of it."""
        names = [r["name"] for r in self.store.documents()]
        if name in names:
            return name
        stems = [n for n in names if Path(n).stem == name]
        hits = stems or [n for n in names if name.lower() in n.lower()]
        if len(hits) == 1:
            return hits[0]
        if not hits:
            raise ProjectError(f"no document matches {name!r}")
        raise ProjectError(f"{name!r} matches several documents: {', '.join(hits)}")

    def document_text(self, document: str) -> str:
        return self.store.document_text(self.resolve_document(document))

    # -- transcripts: speakers, parties, annotations, settings changes (issue #8) ----------
    def speech(self) -> "pd.DataFrame":
        """Active segments that are speech: what is themed and suggested for (segments
        flagged "nonspeech", the transcriber's marks, are left out)."""
        segs = self.segments()
        return segs[segs["flags"].fillna("") != "nonspeech"].reset_index(drop=True)

    def speakers(self) -> "pd.DataFrame":
        """Each speaker of each transcript: document, speaker, party, segments, roles, reason."""
        import pandas as pd

        from .ingest.speaker_table import COLUMNS, speaker_rows

        return pd.DataFrame(speaker_rows(self.store), columns=COLUMNS)

    def set_speaker_party(self, speaker: str, party: str,
                          document: str | None = None) -> dict[str, int]:
        """Set a speaker's party (interviewer | participant | unknown) in one document or in
        all; kept across re-ingest. Returns {document: segments whose party changed}."""
        from .ingest.speaker_table import set_party

        doc = self.resolve_document(document) if document else None
        return set_party(self.store, speaker, party, self.segment_settings.interviewers, doc)

    def annotations(self, document: str | None = None) -> "pd.DataFrame":
        """The transcriber's marks kept in the text: document, start, end, kind, text."""
        from .ingest.speaker_table import annotation_frame

        return annotation_frame(self.store, self.resolve_document(document) if document
                                else None)

    def pending_changes(self) -> dict[str, list[str]]:
        """Segmentation settings changed since the last ingest -> documents it will re-read."""
        from .ingest.pipeline import pending_changes

        return pending_changes(self.store.documents(), self.segment_settings)

    # -- codeframe and coding -------------------------------------------------------------
    @property
    def codeframe_path(self) -> Path:
        return self.root / self.settings["codeframe"]

    def codeframe(self) -> Codeframe:
        """Load and validate the codeframe, and bring the store's codes in line with it."""
        from .codeframe import load_codeframe

        path = self.codeframe_path
        if not path.exists():
            raise ProjectError(f"codeframe {path} not found (set `codeframe:` in {SETTINGS_FILE})")
        if not path.is_file():
            raise ProjectError(f"codeframe {path} is a folder, not a file (set `codeframe:` in "
                               f"{SETTINGS_FILE} to the codeframe's .yaml file)")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if self._codeframe is not None and self._codeframe_digest == digest:
            return self._codeframe
        frame = load_codeframe(path)
        if self.store.get_setting("codeframe_digest") != digest:
            retired = self.store.sync_codes(frame.codes)
            self.store.set_setting("codeframe_digest", digest)
            self.store.set_setting("codes_retired", retired)
        self._codeframe, self._codeframe_digest = frame, digest
        return frame

    def _coder(self, coder: str | None) -> str:
        coder = coder or self.settings.get("coder")
        if not coder:
            raise ProjectError("say who is coding: pass coder=... (or set `coder:` in "
                               f"{SETTINGS_FILE})")
        return coder

    def code(self, segment_id: str, code_id: str, coder: str | None = None,
             memo: str | None = None, source: str = "manual") -> bool:
        """Apply a code to a segment; idempotent. True when something new was saved."""
        from .codeframe import check_code

        check_code(self.codeframe(), code_id)
        return self.store.add_coding(segment_id, code_id, self._coder(coder), memo, source)

    def uncode(self, segment_id: str, code_id: str, coder: str | None = None) -> bool:
        """Take a code off a segment; True when a coding was removed, False when the coder had
        not applied it. A coder, segment or code the project does not know is a QualkitError:
        a typo is said, never answered with "was not coded" (nor made into a new coder)."""
        from .codeframe import check_code

        coder = self._coder(coder).strip()
        known = [r["name"] for r in self.store.coders()]
        if coder not in known:
            raise ProjectError(f"no coder {coder!r} in this project (coders: "
                               f"{', '.join(known) or 'none yet'})")
        if self.store.remove_coding(segment_id, code_id, coder):
            return True
        self.store.segment(segment_id)  # raises, naming the id, when there is no such segment
        if code_id not in self.store.used_code_ids():  # a retired code still in use is fine
            check_code(self.codeframe(), code_id)
        return False

    def mark_done(self, document: str, coder: str | None = None) -> None:
        doc_id = self.store.document_id(self.resolve_document(document))
        self.store.mark_done(doc_id, self._coder(coder))

    def codings(self, coder: str | None = None) -> "pd.DataFrame":
        import pandas as pd

        cols = ["segment_id", "document", "code_id", "coder", "created", "memo", "source"]
        return pd.DataFrame([dict(r) for r in self.store.codings(coder)], columns=cols)

    # -- embeddings, themes, suggestions -------------------------------------------------
    @property
    def embedder(self) -> Any:
        """The embedder the settings ask for (lazy: a cached project loads no model)."""
        if self._embedder is None:
            from .embed.base import default_cache_dir
            from .embed.cache import embedder_from_settings

            # models are prepared once per user (~/.cache/qualkit/models); a project keeps
            # only its vectors
            self._embedder = embedder_from_settings(self.settings["embed"], self.root,
                                                    default_cache_dir())
        return self._embedder

    def set_embedder(self, embedder: Any) -> None:
        """Use your own embedder (anything with ``model_id``, ``dim`` and
        ``encode(texts, progress=None, batch_size=64)``) instead of the settings' one."""
        self._embedder = embedder

    def vectors(self, texts: list[str], progress: "Progress | None" = None
                ) -> tuple["np.ndarray", int]:
        """Vectors for ``texts`` through the store's cache, and how many were computed now."""
        from .embed.cache import vectors_for

        return vectors_for(self.store, self.embedder, texts, progress, self._batch_size)

    @property
    def _batch_size(self) -> int:
        return int(self.settings["embed"].get("batch_size") or 64)

    def code_vectors(self) -> tuple[list[str], "np.ndarray"]:
        from .embed.cache import code_vectors

        return code_vectors(self.store, self.embedder, self.codeframe().codes, self._batch_size)

    def embed(self, progress: "Progress | None" = None) -> int:
        """Embed every active segment not yet cached; returns how many were embedded now."""
        texts = list(self.segments()["text"])
        run = self.store.start_run("embed", {"backend": self.settings["embed"]["backend"]})
        try:
            _, computed = self.vectors(texts, progress)
        except BaseException as e:
            self.store.abandon_run(run, e)
            raise
        self.store.finish_run(run, {"segments": len(texts), "embedded_now": computed,
                                    "model": self.embedder.model_id})
        return computed

    def run_themes(self, progress: "Progress | None" = None, **options: Any) -> ThemeRun:
        """Fit and store candidate themes. Options: ThemeParams fields (min_cluster_size,
        n_neighbors, reassign_outliers, ...) and filters (kind, party (or role), speaker,
        question, where={attribute: value}, include_interviewer, include_short)."""
        from .themes.runs import make_params, run_themes
        from .themes.select import FILTERS, select_segments

        params = make_params(self.settings["themes"], options)
        filters = {k: v for k, v in options.items() if k in FILTERS}
        segs = select_segments(self.segments(), self.documents(), **filters)
        vectors, _ = self.vectors(list(segs["text"]), progress)
        code_ids, cvecs = self.code_vectors()
        return run_themes(self.store, segs, vectors, dict(zip(code_ids, cvecs)), params,
                          filters, self.embedder.model_id)

    def themes(self, progress: "Progress | None" = None, **options: Any) -> "pd.DataFrame":
        """Fit and store candidate themes (see ``run_themes``); returns the themes frame:
        theme_id, size, keywords, representative, doc_share, resembles_code, score, label."""
        return self.run_themes(progress, **options).themes

    def theme_run(self, run_id: int | None = None) -> ThemeRun:
        """A stored themes run (the latest successful one by default)."""
        from .themes.runs import read_run

        return read_run(self.store, run_id)

    def theme_members(self, run_id: int | None = None) -> "pd.DataFrame":
        """segment_id, theme_id (-1 = outlier), probability, document, text for a run."""
        import pandas as pd

        run = self.theme_run(run_id).run_id
        members = pd.DataFrame([dict(r) for r in self.store.theme_members(run)],
                               columns=["segment_id", "theme_id", "probability"])
        return members.merge(self.segments()[["segment_id", "document", "text"]],
                             on="segment_id", how="left")

    def suggest(self, segment_ids: list[str] | None = None, k: int | None = None,
                coder: str | None = None) -> "pd.DataFrame":
        """Ranked code suggestions per segment: segment_id, rank, code_id, score, evidence.

        Learns from the codings made so far (``coder``'s only, when given). Never applies
        anything."""
        from .suggest import code_profile_text, parent_map, suggest

        k = k or int(self.settings["suggest"]["k"])
        # plain columns of every segment (retired ones hold codings too): no 50,000-row frame
        rows = self.store.segment_fields(["segment_id", "text", "flags", "active"],
                                         active_only=False)
        text_of = {r[0]: r[1] for r in rows}
        active = [(r[0], r[1]) for r in rows if r[3]]
        speech = [(r[0], r[1]) for r in rows if r[3] and r[2] != "nonspeech"]  # no [laughs]
        centre = self._centre(active) if speech else None
        if segment_ids is not None:
            unknown = set(segment_ids) - {i for i, _ in active}
            if unknown:
                raise ProjectError(f"no segment with id {sorted(unknown)[0]!r}")
            speech_ids = {i for i, _ in speech}
            speech = [(i, text_of[i]) for i in segment_ids if i in speech_ids]
        code_ids, cvecs = self.code_vectors()
        vecs, _ = self.vectors([t for _, t in speech])
        known = set(code_ids)
        coded = [(r["segment_id"], r["code_id"], text_of[r["segment_id"]])
                 for r in self.store.codings(coder)
                 if r["segment_id"] in text_of and r["code_id"] in known]
        coded_vecs = self.vectors([t for _, _, t in coded])[0] if coded else None
        skip = None
        if coder is not None:  # what this coder already applied is not suggested again
            skip = {}
            for sid, code, _ in coded:
                skip.setdefault(sid, []).append(code)
        texts = {c.id: code_profile_text(c) for c in self.codeframe().codes}
        return suggest(vecs, [i for i, _ in speech], code_ids, cvecs,
                       coded_vectors=coded_vecs,
                       coded_labels=[c for _, c, _ in coded] or None,
                       coded_segment_ids=[i for i, _, _ in coded] or None,
                       parents=parent_map(self.codeframe()), skip=skip, k=k, centre=centre,
                       segment_texts=[t for _, t in speech],
                       code_texts=[texts.get(c, c) for c in code_ids],
                       coded_texts=[t for _, _, t in coded] or None)

    def _centre(self, active: list[tuple[str, str]]) -> "np.ndarray":
        """The project's mean vector (taken off before scoring suggestions) over the active
        segments' (id, text), kept while the segments and the model are the same: the coding
        app asks for every screen."""
        import hashlib

        key = (self.embedder.model_id,
               hashlib.sha1("\n".join(i for i, _ in active).encode()).hexdigest())
        cached = getattr(self, "_centre_cache", None)
        if cached is None or cached[0] != key:
            self._centre_cache = (key, self.vectors([t for _, t in active])[0].mean(axis=0))
        return self._centre_cache[1]

    # -- FOI --------------------------------------------------------------------------------
    def foi_answers(self) -> "pd.DataFrame":
        import pandas as pd

        cols = ["document", "question", "answer", "options", "qualifier", "confidence",
                "start", "end"]
        rows = []
        for r in self.store.foi_answers():
            row = dict(r)
            row["options"] = json.loads(row["options"])
            rows.append(row)
        return pd.DataFrame(rows, columns=cols)

    def foi_tally(self, by: str | None = "authority_type",
                  question: str | None = None) -> "pd.DataFrame":
        """Counts and percentages per question, option and group, one base per question
        (``qualkit.foi.tally``); ``question`` keeps one question's rows."""
        from .foi.tally import tally

        docs = self.documents()
        docs = docs[docs["kind"] == "foi"].dropna(axis=1, how="all")
        if by is not None and by not in docs.columns:
            base = ("document", "kind", "path", "n_segments", "format")
            have = ", ".join(c for c in docs.columns if c not in base) or "none"
            raise ProjectError(f"no attribute {by!r} on the FOI letters (their attributes: "
                               f"{have})")
        out = tally(self.foi_answers(), docs, by=by)
        if question is None:
            return out
        asked = list(dict.fromkeys(out["question"]))
        # "q1" is enough when one question id starts with it ("q1_link_edu_social")
        hits = ([q for q in asked if q == question]
                or [q for q in asked if q.split("_", 1)[0] == question]
                or [q for q in asked if q.startswith(question)])
        if len(hits) != 1:
            why = "matches several questions" if hits else "is not one of the questions"
            raise ProjectError(f"FOI question {question!r} {why}: "
                               f"{', '.join(hits or asked) or 'none'}")
        return out[out["question"] == hits[0]]

    def foi_letter(self, letter: str) -> tuple["pd.DataFrame", "pd.DataFrame"]:
        """One letter's answers, each with the text it was read from, and its free text."""
        name = self.resolve_document(letter)
        text = self.store.document_text(name)
        answers = self.foi_answers()
        answers = answers[answers["document"] == name].reset_index(drop=True)
        answers["evidence"] = [" ".join(text[a:b].split()) for a, b in
                               zip(answers["start"], answers["end"])]
        segs = self.segments(document=name)
        return answers, segs[["segment_id", "question", "start", "end", "text"]]

    # -- status -----------------------------------------------------------------------------
    def status(self, stage: str | None = None, status: str | None = None,
               last: int = 10) -> dict[str, Any]:
        """Counts, coders, the last runs (of one ``stage``/``status`` if given), settings
        changed since the last ingest and speakers of unknown party (``qualkit.status``)."""
        from .status import project_status

        self.store.reap_dead_runs()  # runs whose process was killed show as interrupted
        st = project_status(self, stage=stage, status=status, last=last)
        st["embedding"] = self._embedding_status()
        return st

    def _embedding_status(self) -> dict[str, Any]:
        """The settings' backend and the cached vectors per model id (model@fingerprint/backend);
        reads only the store, so it never loads or exports a model."""
        return {"backend": self.settings["embed"]["backend"],
                "vectors_by_model": self.store.vector_models()}
