"""Genuine and impostor distances of the face embedding, to choose its match threshold.

Every real face photo available offline (tests/support/face_images.py lists them and where they
come from) is embedded clean and under capture degradations: lighting (gamma,
brightness, contrast), scale (smaller faces), blur, sensor noise, JPEG quality, in-plane
rotation and mirroring. Each degraded probe is compared with
- the clean embedding of the same photo (genuine, same photo),
- the clean embeddings of the same person's other photos (genuine, other photo: the
  three Obama photos, and two frames of the basketball video),
- the clean embeddings of every other person (impostor).
It also measures how the distances move with the face's width in pixels (for the
minimum face size) and how far the evidence crop (`face_crop_jpeg`) moves a face from
its full-frame embedding.

Writes bench/out/face_threshold.json and, unless --no-results-md, a section of
bench/RESULTS.md. verification/README.md explains the chosen threshold from these
figures. No image is written or printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench._results import cpu_model, update_section  # noqa: E402
from tests.support.face_images import PHOTOS, face_photo, side_by_side  # noqa: E402
from verification.face_embedding import (  # noqa: E402
    DEFAULT_MATCH_THRESHOLD,
    DEFAULT_MIN_FACE_PX,
    MIN_FACE_PX_RANGE,
    FaceEmbedder,
    FaceEmbedding,
    FaceEmbeddingError,
    face_crop_jpeg,
    match,
    template_from_embeddings,
)

# Faces are first brought to at most this width, about what a webcam gives at study
# distance (640x480 at 50-60 cm: 120-170 px), so that every photo's degradations act on
# a comparable face. The ~37 px faces (messi, basketball) are below the embedder's
# minimum: they are enlarged 2x (bicubic), which keeps them as the low-detail faces they
# are, a hard case, while letting the production embedder accept them.
BASE_FACE_PX = 160
SMALL_FACE_PX = 60
THRESHOLDS = [round(0.40 + 0.01 * i, 2) for i in range(26)]
FACE_WIDTHS = [160, 120, 100, 80, 64, 48, 40, 32, 24]
CROP_SIZES = [160, 224, 256, 300, 360]


def gamma(value: float) -> Callable[[np.ndarray], np.ndarray]:
    table = np.array([((i / 255.0) ** value) * 255 for i in range(256)]).clip(0, 255)
    return lambda image: cv2.LUT(image, table.astype(np.uint8))


def linear(alpha: float, beta: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda image: cv2.convertScaleAbs(image, alpha=alpha, beta=beta)


def blur(sigma: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda image: cv2.GaussianBlur(image, (0, 0), sigma)


def jpeg(quality: int) -> Callable[[np.ndarray], np.ndarray]:
    def apply(image: np.ndarray) -> np.ndarray:
        _, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        return cv2.imdecode(data, cv2.IMREAD_COLOR)

    return apply


def noise(sigma: float, seed: int = 7) -> Callable[[np.ndarray], np.ndarray]:
    def apply(image: np.ndarray) -> np.ndarray:
        rng = np.random.default_rng(seed)
        noisy = image.astype(np.float32) + rng.normal(0, sigma, image.shape)
        return noisy.clip(0, 255).astype(np.uint8)

    return apply


def scale(factor: float) -> Callable[[np.ndarray], np.ndarray]:
    def apply(image: np.ndarray) -> np.ndarray:
        size = (max(1, round(image.shape[1] * factor)), max(1, round(image.shape[0] * factor)))
        return cv2.resize(image, size, interpolation=cv2.INTER_AREA)

    return apply


def rotate(degrees: float) -> Callable[[np.ndarray], np.ndarray]:
    def apply(image: np.ndarray) -> np.ndarray:
        height, width = image.shape[:2]
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
        return cv2.warpAffine(image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)

    return apply


def chain(*steps: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    def apply(image: np.ndarray) -> np.ndarray:
        for step in steps:
            image = step(image)
        return image

    return apply


# (name, group, transform). Groups are the brief's degradation families.
CONDITIONS: list[tuple[str, str, Callable[[np.ndarray], np.ndarray]]] = [
    ("clean", "clean", lambda image: image),
    ("gamma 0.5 (brighter)", "lighting", gamma(0.5)),
    ("gamma 2.0 (darker)", "lighting", gamma(2.0)),
    ("brightness x0.35 (dim room)", "lighting", linear(0.35, 0)),
    ("brightness x1.8 (overexposed)", "lighting", linear(1.8, 0)),
    ("contrast x0.5", "lighting", linear(0.5, 64)),
    ("scale 0.5", "scale", scale(0.5)),
    ("scale 0.33", "scale", scale(1 / 3)),
    ("blur sigma 1.5", "blur", blur(1.5)),
    ("blur sigma 3", "blur", blur(3.0)),
    ("noise sigma 8", "noise", noise(8)),
    ("JPEG q30", "jpeg", jpeg(30)),
    ("JPEG q10", "jpeg", jpeg(10)),
    ("rotate 8 deg", "rotation", rotate(8)),
    ("rotate -15 deg", "rotation", rotate(-15)),
    ("mirrored", "rotation", lambda image: cv2.flip(image, 1)),
    (
        "poor webcam (dim, noise, blur 1, JPEG q50)",
        "combined",
        chain(linear(0.5, 10), noise(6), blur(1.0), jpeg(50)),
    ),
]


@dataclass
class Probe:
    photo: str
    person: str
    condition: str
    group: str
    embedding: FaceEmbedding | None
    outcome: str  # "ok" or the FaceEmbeddingError code
    # The same frame as the server sees it: face_crop_jpeg of the degraded frame, decoded
    # and embedded again (None where the frame or its crop gave no face).
    via_crop: FaceEmbedding | None = None


def base_image(finder: FaceEmbedder, name: str) -> np.ndarray:
    image = face_photo(name)
    width = finder.embed(image).box.width
    if width > BASE_FACE_PX:
        image = scale(BASE_FACE_PX / width)(image)
    elif width < SMALL_FACE_PX:
        image = cv2.resize(image, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    return image


def embed_or_code(embedder: FaceEmbedder, image: np.ndarray) -> tuple[FaceEmbedding | None, str]:
    try:
        return embedder.embed(image), "ok"
    except FaceEmbeddingError as error:
        return None, error.code


def distance(a: FaceEmbedding, b: FaceEmbedding) -> float:
    return float(np.linalg.norm(a.vector - b.vector))


def summary(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"n": 0, "min": None, "median": None, "max": None}
    return {
        "n": len(values),
        "min": round(min(values), 3),
        "median": round(statistics.median(values), 3),
        "max": round(max(values), 3),
    }


def face_size_sweep(
    embedder: FaceEmbedder, bases: dict[str, np.ndarray], clean: dict[str, FaceEmbedding]
) -> list[dict[str, object]]:
    """Each photo with a face of 120 px or more, shrunk to smaller face widths: distance
    to its own clean embedding, and the nearest other person's."""
    rows = []
    for name, image in bases.items():
        width = clean[name].box.width
        if width < 120:
            continue
        for target in [w for w in FACE_WIDTHS if w <= width]:
            probe, outcome = embed_or_code(embedder, scale(target / width)(image))
            row: dict[str, object] = {"photo": name, "face_px": target, "outcome": outcome}
            if probe is not None:
                row["genuine"] = round(distance(probe, clean[name]), 3)
                row["nearest_impostor"] = round(
                    min(
                        distance(probe, clean[other])
                        for other in clean
                        if PHOTOS[other].person != PHOTOS[name].person
                    ),
                    3,
                )
            rows.append(row)
    return rows


def crop_round_trip(
    embedder: FaceEmbedder, bases: dict[str, np.ndarray]
) -> list[dict[str, object]]:
    """The evidence crop of each clean frame against the frame's own embedding, for
    several crop sizes."""
    rows: list[dict[str, object]] = []
    for name, image in bases.items():
        full = embedder.embed(image)
        for size in CROP_SIZES:
            crop = face_crop_jpeg(image, full.box, size=size)
            row: dict[str, object] = {"photo": name, "size": size, "bytes": len(crop)}
            try:
                again = embedder.embed_jpeg(crop)
                row["face_px_in_crop"] = again.box.width
                row["distance"] = round(distance(again, full), 3)
            except FaceEmbeddingError as error:
                row["outcome"] = error.code
            rows.append(row)
    return rows


def two_face_frames(embedder: FaceEmbedder) -> list[dict[str, object]]:
    """Every pair of different people side by side, at three frame heights: a frame
    whose two faces are both at least the minimum size must be refused as
    multiple_faces. Face widths are estimated from each photo's measured face size."""
    names = ["astronaut", "grace_hopper", "obama1", "biden", "messi"]
    rows = []
    for left, right in itertools.combinations(names, 2):
        for height in (300, 480, 720):
            left_image, right_image = face_photo(left), face_photo(right)
            _, outcome = embed_or_code(embedder, side_by_side(left_image, right_image, height))
            widths = [
                round(PHOTOS[name].face_px * height / image.shape[0])
                for name, image in ((left, left_image), (right, right_image))
            ]
            rows.append(
                {
                    "left": left,
                    "right": right,
                    "height": height,
                    "face_px": widths,
                    "both_faces_at_least_min": min(widths) >= DEFAULT_MIN_FACE_PX,
                    "outcome": outcome,
                }
            )
    return rows


def threshold_sweep(genuine: list[float], impostor: list[float]) -> list[dict[str, float | int]]:
    rows = []
    for threshold in THRESHOLDS:
        rejects = sum(1 for d in genuine if d > threshold)
        accepts = sum(1 for d in impostor if d <= threshold)
        rows.append(
            {
                "threshold": threshold,
                "false_rejects": rejects,
                "false_accepts": accepts,
                "frr": round(rejects / len(genuine), 4) if genuine else 0.0,
                "far": round(accepts / len(impostor), 4) if impostor else 0.0,
            }
        )
    return rows


def embed_probes(embedder: FaceEmbedder, bases: dict[str, np.ndarray]) -> list[Probe]:
    probes = []
    for name, image in bases.items():
        for condition, group, transform in CONDITIONS:
            frame = transform(image)
            embedding, outcome = embed_or_code(embedder, frame)
            via_crop = None
            if embedding is not None:
                try:
                    via_crop = embedder.embed_jpeg(face_crop_jpeg(frame, embedding.box))
                except FaceEmbeddingError:
                    via_crop = None
            probes.append(
                Probe(name, PHOTOS[name].person, condition, group, embedding, outcome, via_crop)
            )
    return probes


def compare(probes: list[Probe], clean: dict[str, FaceEmbedding]) -> list[dict[str, object]]:
    pairs: list[dict[str, object]] = []
    for probe in probes:
        if probe.embedding is None:
            continue
        for reference, reference_embedding in clean.items():
            if PHOTOS[reference].person != probe.person:
                kind = "impostor"
            elif reference == probe.photo:
                kind = "genuine_same_photo"
                if probe.condition == "clean":
                    continue  # distance 0 by construction
            else:
                kind = "genuine_other_photo"
            pairs.append(
                {
                    "probe": probe.photo,
                    "condition": probe.condition,
                    "group": probe.group,
                    "reference": reference,
                    "kind": kind,
                    "probe_face_px": probe.embedding.box.width,
                    "distance": round(distance(probe.embedding, reference_embedding), 4),
                    "distance_via_crop": None
                    if probe.via_crop is None
                    else round(distance(probe.via_crop, reference_embedding), 4),
                }
            )
    return pairs


def obama_templates(
    probes: list[Probe], clean: dict[str, FaceEmbedding]
) -> list[dict[str, object]]:
    """Each Obama photo, degraded and sent as a crop, against a template made of the two
    other Obama photos (count 2): the enrolled-mean case."""
    obama = [name for name in PHOTOS if PHOTOS[name].person == "barack_obama"]
    rows = []
    for name in obama:
        template = template_from_embeddings([clean[other] for other in obama if other != name])
        for probe in probes:
            if probe.photo == name and probe.via_crop is not None:
                rows.append(
                    {
                        "probe": name,
                        "condition": probe.condition,
                        "distance_via_crop": round(match(template, probe.via_crop).distance, 4),
                    }
                )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--no-results-md", action="store_true", help="write only bench/out/face_threshold.json"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    # Everything is measured with the embedder as the client and server use it, except
    # the face-size sweep, which needs faces below the default minimum (down to 20 px)
    # to show where that minimum belongs.
    embedder = FaceEmbedder()
    embedder.load()
    small_face_embedder = FaceEmbedder(min_face_px=MIN_FACE_PX_RANGE[0])

    bases = {name: base_image(small_face_embedder, name) for name in PHOTOS}
    clean = {name: embedder.embed(image) for name, image in bases.items()}
    probes = embed_probes(embedder, bases)
    pairs = compare(probes, clean)

    def values(key: str, kinds: set[str], condition: str | None = None) -> list[float]:
        return [
            float(p[key])  # type: ignore[arg-type]
            for p in pairs
            if p["kind"] in kinds
            and p[key] is not None
            and (condition is None or p["condition"] == condition)
        ]

    genuine = {"genuine_same_photo", "genuine_other_photo"}
    by_condition = []
    for condition, group, _ in CONDITIONS:
        row: dict[str, object] = {
            "condition": condition,
            "group": group,
            "not_embedded": [
                f"{p.photo}: {p.outcome}"
                for p in probes
                if p.condition == condition and p.embedding is None
            ],
        }
        for key in ("distance", "distance_via_crop"):
            suffix = "" if key == "distance" else "_via_crop"
            row["genuine_same_photo" + suffix] = summary(
                values(key, {"genuine_same_photo"}, condition)
            )
            row["genuine_other_photo" + suffix] = summary(
                values(key, {"genuine_other_photo"}, condition)
            )
            row["impostor" + suffix] = summary(values(key, {"impostor"}, condition))
        by_condition.append(row)

    template_rows = obama_templates(probes, clean)
    data = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "cpu": cpu_model(),
        "model": "dlib_face_recognition_resnet_model_v1, HOG detector, 5-point alignment",
        "default_threshold": DEFAULT_MATCH_THRESHOLD,
        "default_min_face_px": DEFAULT_MIN_FACE_PX,
        "base_face_px": BASE_FACE_PX,
        "small_face_px": SMALL_FACE_PX,
        "photos": {
            name: {
                "person": photo.person,
                "source": photo.source,
                "face_px_measured": clean[name].box.width,
            }
            for name, photo in PHOTOS.items()
        },
        "people": len({photo.person for photo in PHOTOS.values()}),
        "by_condition": by_condition,
        "overall": {
            "genuine": summary(values("distance", genuine)),
            "impostor": summary(values("distance", {"impostor"})),
            "genuine_via_crop": summary(values("distance_via_crop", genuine)),
            "impostor_via_crop": summary(values("distance_via_crop", {"impostor"})),
        },
        "threshold_sweep": threshold_sweep(
            values("distance", genuine), values("distance", {"impostor"})
        ),
        "threshold_sweep_via_crop": threshold_sweep(
            values("distance_via_crop", genuine), values("distance_via_crop", {"impostor"})
        ),
        "obama_template_of_other_photos": {
            "summary": summary([float(r["distance_via_crop"]) for r in template_rows]),  # type: ignore[arg-type]
            "rows": template_rows,
        },
        "face_size_sweep": face_size_sweep(small_face_embedder, bases, clean),
        "crop_round_trip": crop_round_trip(embedder, bases),
        "two_face_frames": two_face_frames(embedder),
        "pairs": pairs,
    }
    data["seconds"] = round(time.perf_counter() - started, 1)
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "face_threshold.json").write_text(json.dumps(data, indent=2))

    section = results_section(data)
    if not args.no_results_md:
        update_section("face_threshold", section)
    print(section)
    return 0


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def results_section(data: dict) -> str:  # type: ignore[type-arg]
    overall = data["overall"]
    lines = [
        "## Face match threshold",
        "",
        f"`bench/face_threshold.py`, {data['date']}, {data['seconds']} s: "
        f"{len(data['photos'])} real photos of {data['people']} people, "
        f"{len(data['by_condition'])} capture conditions, {len(data['pairs'])} comparisons "
        "(Euclidean distance between 128-d embeddings; lower is more alike). Probe = the "
        "degraded frame; via crop = that frame's evidence crop (`face_crop_jpeg`, JPEG) "
        "embedded again, as the server sees it. Reference = the clean photo. Frames the "
        "embedder refuses are listed in the last column.",
        "",
        "| condition | genuine same photo, max (via crop) | genuine other photo, max (via crop) "
        "| impostor min (via crop) | not embedded |",
        "|---|---:|---:|---:|---|",
    ]
    for row in data["by_condition"]:
        lines.append(
            f"| {row['condition']} "
            f"| {_fmt(row['genuine_same_photo']['max'])} "
            f"({_fmt(row['genuine_same_photo_via_crop']['max'])}) "
            f"| {_fmt(row['genuine_other_photo']['max'])} "
            f"({_fmt(row['genuine_other_photo_via_crop']['max'])}) "
            f"| {_fmt(row['impostor']['min'])} ({_fmt(row['impostor_via_crop']['min'])}) "
            f"| {', '.join(row['not_embedded'])} |"
        )
    lines += [
        "",
        f"All genuine: max {_fmt(overall['genuine']['max'])}, via crop "
        f"{_fmt(overall['genuine_via_crop']['max'])} (n={overall['genuine_via_crop']['n']}); "
        f"all impostor: min {_fmt(overall['impostor']['min'])}, via crop "
        f"{_fmt(overall['impostor_via_crop']['min'])} (n={overall['impostor_via_crop']['n']}).",
        "",
        "| threshold | false rejects via crop | false accepts via crop |",
        "|---:|---:|---:|",
    ]
    for row in data["threshold_sweep_via_crop"]:
        if round(row["threshold"] * 100) % 5 == 0 or math.isclose(
            row["threshold"], data["default_threshold"]
        ):
            lines.append(
                f"| {row['threshold']:.2f} | {row['false_rejects']} ({row['frr']:.1%}) "
                f"| {row['false_accepts']} ({row['far']:.1%}) |"
            )
    two_faces = [row for row in data["two_face_frames"] if row["both_faces_at_least_min"]]
    refused = sum(1 for row in two_faces if row["outcome"] == "multiple_faces")
    lines += [
        "",
        f"Two real faces side by side, both at least {data['default_min_face_px']} px: "
        f"{refused} of {len(two_faces)} frames refused as multiple_faces.",
        f"Default threshold: **{data['default_threshold']}**, minimum face "
        f"{data['default_min_face_px']} px (verification/README.md explains both).",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
