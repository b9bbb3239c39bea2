"""Team work on a project: agreement, disagreements, codings bundles, merging, reconcile.

The statistics and the matching live in ``qualkit.agreement``; the store applies merges and
reconcile decisions in one transaction each.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualkit.models import QualkitError

if TYPE_CHECKING:
    import pandas as pd

ProjectError = QualkitError


class TeamMixin:
    store: Any
    root: Path
    settings: dict[str, Any]

    # -- team: agreement and disagreements -------------------------------------------------
    def coders(self, kind: str | None = None) -> list[str]:
        """Coder names (``kind`` "human" or "consensus" to choose one kind)."""
        return [r["name"] for r in self.store.coders() if kind is None or r["kind"] == kind]

    def _team_inputs(self, coders: list[str] | None, document: str | None) -> dict[str, Any]:
        import pandas as pd

        frame = self.codeframe()
        units = self.segments(document=document)[["segment_id", "document", "text"]]
        done = pd.DataFrame([dict(r) for r in self.store.done()],
                            columns=["document", "coder", "at"])
        return {"units": units, "codings": self.codings(), "done": done[["document", "coder"]],
                "parents": {c.id: c.parent for c in frame.codes},
                "codes": [c.id for c in frame.codes],
                "coders": coders or self.coders(kind="human")}

    def agreement(self, coders: list[str] | None = None, by: str = "code", level: str = "all",
                  codes: list[str] | None = None, document: str | None = None,
                  require_done: bool = True, bootstrap: int = 1000) -> "pd.DataFrame":
        """Per-code (or per-document) agreement between coders, the segment being the unit:
        code_id, n_units, n_coders, percent_agreement, cohen_kappa, krippendorff_alpha,
        alpha_low, alpha_high, gwet_ac1, brennan_prediger, prevalence, note; a last row
        "(all codes)" pools them. Coders default to every human coder; a coder's segments in a
        document they have not marked done are missing, not "absent"."""
        from qualkit.agreement import agreement

        inputs = self._team_inputs(coders, document)
        if codes:
            inputs["codes"] = list(codes)
        return agreement(**inputs, by=by, level=level, require_done=require_done,
                         bootstrap=bootstrap)

    def group_agreement(self, group: str | list[str], coders: list[str] | None = None,
                        require_done: bool = True) -> dict[str, Any]:
        """Nominal agreement over mutually exclusive codes: ``group`` is a parent code (its
        children are the choices) or a list of code ids. A dict: group, n_units, n_coders,
        categories, percent_agreement, krippendorff_alpha, gwet_ac1, brennan_prediger."""
        from qualkit.agreement import group_agreement

        inputs = self._team_inputs(coders, None)
        frame = self.codeframe()
        if isinstance(group, str):
            if group not in frame.ids:
                raise ProjectError(f"no code {group!r} in the codeframe")
            members, name = [c.id for c in frame.children(group)], group
        else:
            members, name = list(group), ""
        return group_agreement(inputs["units"], inputs["codings"], inputs["done"],
                               inputs["parents"], members, inputs["coders"], require_done,
                               name=name)

    def disagreements(self, coders: list[str] | None = None, level: str = "all",
                      document: str | None = None, require_done: bool = True
                      ) -> "pd.DataFrame":
        """Segments where the coders differ: segment_id, document, text, one column per
        coder (their codes), codes_differ."""
        from qualkit.agreement import disagreements

        return disagreements(**self._team_inputs(coders, document), level=level,
                             require_done=require_done)

    # -- team: bundles, merging, reconcile ---------------------------------------------------
    def codings_bundle(self, coder: str) -> dict[str, Any]:
        """One coder's codings, memos and done marks, keyed by document content hash and
        segment offsets (``qualkit.agreement.bundle``): what another copy can merge."""
        from datetime import datetime, timezone

        from qualkit.agreement.bundle import build_bundle

        if self.store.coder_kind(coder) is None:
            raise ProjectError(f"no coder {coder!r} in this project (coders: "
                               f"{', '.join(self.coders()) or 'none yet'})")
        segs = self.segments(include_retired=True).to_dict("records")
        return build_bundle(
            self.root.name, coder, self.store.coder_kind(coder) or "human",
            [dict(r) for r in self.store.documents()], segs,
            self.codings(coder).to_dict("records"),
            [dict(r) for r in self.store.memos(coder=coder)],
            [dict(r) for r in self.store.done() if r["coder"] == coder],
            datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def export_codings(self, path: str | Path, coder: str) -> Path:
        """Write ``codings_bundle(coder)`` as JSON (atomically, mode 0600)."""
        from qualkit.files import atomic_write

        data = json.dumps(self.codings_bundle(coder), ensure_ascii=False, indent=1)
        return atomic_write(path, data.encode("utf-8"))

    def merge(self, source: str | Path) -> list[dict[str, Any]]:
        """Bring in a codings bundle file, or every coder of another copy of the project.
        Returns one report per coder: coder, codings, memos, done (new ones), aside (what
        could not be placed, kept in the store with its reason), moved. Merging twice
        changes nothing."""
        from qualkit.agreement.bundle import item_hash, plan_merge, read_bundle

        source = Path(source)
        bundles = self._bundles_from(source, read_bundle)
        documents = [dict(r) for r in self.store.documents()]
        segments = self.segments().to_dict("records")
        codes = [c.id for c in self.codeframe().codes]
        reports = []
        for bundle in bundles:
            plan = plan_merge(bundle, documents, segments, codes)
            counts = self.store.apply_merge(plan, str(source), item_hash)
            reports.append({"coder": plan.coder, **counts, "moved": plan.moved,
                            "aside_items": [(k, why) for k, why, _ in plan.aside]})
        return reports

    def _bundles_from(self, source: Path, read_bundle: Any) -> list[dict[str, Any]]:
        if source.is_dir():
            if not (source / "qualkit.yaml").is_file():  # not "run qualkit init" on the source
                raise ProjectError(f"{source} is neither a codings bundle nor a qualkit "
                                   "project folder (no qualkit.yaml in it)")
            other = _open_other(source)
            try:
                if other.root == self.root:
                    raise ProjectError("that is this project: merge another copy of it")
                return [other.codings_bundle(name) for name in other.coders()]
            finally:
                other.close()
        try:
            raw = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise ProjectError(f"cannot read {source}: {getattr(e, 'strerror', None) or e}"
                               ) from None
        return [read_bundle(raw, str(source))]

    def merge_aside(self) -> "pd.DataFrame":
        """What merges could not place: source, coder, kind, reason, item (JSON), at."""
        import pandas as pd

        return pd.DataFrame([dict(r) for r in self.store.aside()],
                            columns=["source", "coder", "kind", "reason", "item", "at"])

    def reconcile(self, segment_id: str, codes: list[str], into: str = "consensus",
                  choice: str = "edit", note: str = "") -> None:
        """Settle a segment: ``codes`` become the consensus coder ``into``'s codes on it, with
        the choice made (a coder's name, "both", "neither", "edit") and a discussion note."""
        self.codeframe()
        self.store.reconcile(segment_id, into, list(codes), choice, note)

    def undo_reconcile(self, segment_id: str, into: str = "consensus") -> bool:
        """Undo the segment's decision (its note becomes the segment's draft note); redo
        puts it back, even after a restart, until the segment is decided again."""
        return self.store.undo_reconcile(segment_id, into)

    def redo_reconcile(self, segment_id: str, into: str = "consensus") -> bool:
        """Make the segment's undone decision stand again (False when it has none)."""
        return self.store.redo_reconcile(segment_id, into)

    def set_reconcile_note(self, segment_id: str, note: str, into: str = "consensus") -> bool:
        """Save the discussion note at once: with the segment's decision (True), or as its
        draft until it is settled (False); the decision takes the draft as its note."""
        return self.store.set_reconcile_note(segment_id, into, note)

    def reconcile_queue(self, coders: list[str] | None = None, into: str = "consensus",
                        require_done: bool = True) -> "pd.DataFrame":
        """The disagreements between ``coders``, each with ``decided`` (already settled into
        ``into``), its ``choice`` and ``note``, the ``draft`` note written before a decision,
        and for an undone decision that redo can put back, ``undone`` (its order: the higher,
        the more recent; 0 for none), ``undone_choice`` and ``undone_codes``: the reconcile
        screen's list."""
        queue = self.disagreements(coders, require_done=require_done)
        sids = list(queue["segment_id"])
        decided = {r["segment_id"]: dict(r) for r in self.store.reconciliations(into)}
        undone = {r["segment_id"]: dict(r) for r in self.store.undone_reconciliations(into)}
        drafts = {r["segment_id"]: r["note"] for r in self.store.reconcile_drafts(into)}
        queue["decided"] = [sid in decided for sid in sids]
        queue["choice"] = [decided.get(sid, {}).get("choice", "") for sid in sids]
        queue["note"] = [decided.get(sid, {}).get("note", "") for sid in sids]
        queue["draft"] = [drafts.get(sid, "") for sid in sids]
        queue["undone"] = [int(undone.get(sid, {}).get("undone") or 0) for sid in sids]
        queue["undone_choice"] = [undone.get(sid, {}).get("choice", "") for sid in sids]
        queue["undone_codes"] = [json.loads(undone[sid]["codes"]) if sid in undone else []
                                 for sid in sids]
        return queue


def _open_other(root: Path) -> Any:
    from qualkit.project import open_project

    return open_project(root)
