#!/usr/bin/env python3
"""Checks that the folded (fp32) SFace and YuNet compute what the quantized
originals compute, on the test portraits, with onnxruntime.

For each portrait: YuNet (quantized and folded) on a 640x640 letterbox, the
best face's five points, a similarity alignment to the 112x112 ArcFace
template, then SFace (quantized and folded) on the RGB crop. Fails unless
every folded SFace embedding has a cosine >= 0.9999 with the quantized one
and the folded YuNet finds the same face (landmarks within 1 px).

It also writes, for the Go test that runs the folded model through OpenCV
(verify's TestFoldedSFaceMatchesQuantized), each aligned crop as raw
float32 NCHW and the quantized model's embedding of it, into OUT.

Usage: check-folded.py QUANT_DIR FOLDED_DIR PORTRAITS_DIR OUT_DIR
(needs numpy, onnx, onnxruntime and pillow)
"""
import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from PIL import Image

YUNET = "face_detection_yunet_2023mar"
SFACE = "face_recognition_sface_2021dec"
PORTRAITS = ["biden.jpg", "obama.jpg", "obama2.jpg", "obama3.jpg"]
ARCFACE = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
                    [41.5493, 92.3655], [70.7299, 92.2041]], dtype=np.float64)
SIZE = 640
MIN_COSINE = 0.9999


def session(model):
    o = ort.SessionOptions()
    o.intra_op_num_threads = 1
    o.log_severity_level = 3
    return ort.InferenceSession(model, o, providers=["CPUExecutionProvider"])


def quantized(path):
    """The quantized model as onnxruntime takes it: a DequantizeLinear whose
    scale is a single number (rank 0 or 1) is per-tensor, and onnxruntime
    refuses a block_size there (YuNet's biases carry one); a bias that fits
    in one block reads the same either way. Graph inputs no node reads (the
    quantizer left the original weights' inputs behind) are dropped, as
    onnxruntime would otherwise demand them."""
    m = onnx.load(path)
    consts = {i.name: i for i in m.graph.initializer}
    for n in m.graph.node:
        if n.op_type == "DequantizeLinear" and n.input[1] in consts:
            s = consts[n.input[1]]
            if len(s.dims) <= 1 and int(np.prod(s.dims)) == 1:
                keep = [a for a in n.attribute if a.name != "block_size"]
                del n.attribute[:]
                n.attribute.extend(keep)
    used = {x for n in m.graph.node for x in n.input}
    inputs = [i for i in m.graph.input if i.name in used]
    del m.graph.input[:]
    m.graph.input.extend(inputs)
    return m.SerializeToString()


def letterbox(img):
    """The image scaled so its longer side is SIZE, on a black SIZExSIZE."""
    k = SIZE / max(img.size)
    w, h = max(1, round(img.size[0] * k)), max(1, round(img.size[1] * k))
    canvas = Image.new("RGB", (SIZE, SIZE))
    canvas.paste(img.resize((w, h), Image.BILINEAR), (0, 0))
    bgr = np.asarray(canvas, dtype=np.float32)[:, :, ::-1]
    return bgr.transpose(2, 0, 1)[None].copy(), k


def decode(outs):
    """The highest-scoring face of YuNet 2023's 12 outputs: (score, box, 5 points)."""
    best = None
    for s in (8, 16, 32):
        cls, obj = outs[f"cls_{s}"][0, :, 0], outs[f"obj_{s}"][0, :, 0]
        score = np.sqrt(np.clip(cls, 0, 1) * np.clip(obj, 0, 1))
        i = int(np.argmax(score))
        if best is None or score[i] > best[0]:
            cols = SIZE // s
            r, c = divmod(i, cols)
            b, k = outs[f"bbox_{s}"][0, i], outs[f"kps_{s}"][0, i]
            cx, cy = (c + b[0]) * s, (r + b[1]) * s
            w, h = np.exp(b[2]) * s, np.exp(b[3]) * s
            pts = np.array([[(k[2 * j] + c) * s, (k[2 * j + 1] + r) * s] for j in range(5)])
            best = (float(score[i]), (cx - w / 2, cy - h / 2, w, h), pts)
    return best


def similarity(src, dst):
    """Least-squares similarity transform src -> dst (Umeyama), 2x3."""
    sm, dm = src.mean(0), dst.mean(0)
    s0, d0 = src - sm, dst - dm
    u, sv, vt = np.linalg.svd(d0.T @ s0 / len(src))
    d = np.ones(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        d[1] = -1
    rot = u @ np.diag(d) @ vt
    scale = (sv * d).sum() / s0.var(0).sum()
    m = np.zeros((2, 3))
    m[:, :2] = scale * rot
    m[:, 2] = dm - scale * rot @ sm
    return m


def align(img, pts):
    m = np.vstack([similarity(pts, ARCFACE), [0, 0, 1]])
    inv = np.linalg.inv(m)
    crop = img.transform((112, 112), Image.AFFINE, tuple(inv[:2].ravel()), resample=Image.BILINEAR)
    rgb = np.asarray(crop, dtype=np.float32)
    return rgb.transpose(2, 0, 1)[None].copy()


def run(sess, feed):
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(names, feed)))


def cosine(a, b):
    a, b = a.ravel().astype(np.float64), b.ravel().astype(np.float64)
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    qdir, fdir, pdir, out = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    yq, yf = session(quantized(f"{qdir}/{YUNET}_int8bq.onnx")), session(f"{fdir}/{YUNET}_fp32.onnx")
    sq, sf = session(quantized(f"{qdir}/{SFACE}_int8bq.onnx")), session(f"{fdir}/{SFACE}_fp32.onnx")
    refs, embs, worst = [], {}, 1.0
    for name in PORTRAITS:
        img = Image.open(f"{pdir}/{name}").convert("RGB")
        blob, k = letterbox(img)
        dq, df = decode(run(yq, {"input": blob})), decode(run(yf, {"input": blob}))
        if dq[0] < 0.6:
            sys.exit(f"check-folded: {name}: quantized YuNet finds no face (score {dq[0]:.2f})")
        shift = float(np.abs(dq[2] - df[2]).max())
        if shift > 1.0:
            sys.exit(f"check-folded: {name}: folded YuNet moves a landmark by {shift:.2f} px")
        crop = align(img, dq[2] / k)
        eq = run(sq, {"data": crop})["fc1"]
        ef = run(sf, {"data": crop})["fc1"]
        c = cosine(eq, ef)
        worst = min(worst, c)
        print(f"check-folded: {name}: YuNet score {dq[0]:.3f} (landmarks within {shift:.3f} px), SFace cosine {c:.6f}", file=sys.stderr)
        if c < MIN_COSINE:
            sys.exit(f"check-folded: {name}: folded SFace embedding differs (cosine {c:.6f} < {MIN_COSINE})")
        stem = name.rsplit(".", 1)[0]
        crop.astype("<f4").tofile(f"{out}/{stem}.f32")
        refs.append({"portrait": name, "input": f"{stem}.f32", "quantized": [float(v) for v in eq.ravel()]})
        embs[stem] = eq
    same = cosine(embs["obama"], embs["obama2"])
    diff = cosine(embs["obama"], embs["biden"])
    print(f"check-folded: cosine obama/obama2 {same:.3f}, obama/biden {diff:.3f}", file=sys.stderr)
    if not same > diff:
        sys.exit("check-folded: the same person is not closer than two different people")
    with open(f"{out}/reference.json", "w") as f:
        json.dump({"min_cosine": MIN_COSINE, "worst_cosine": worst, "faces": refs}, f, indent=1)
    print(f"check-folded: ok, worst cosine {worst:.6f}; references in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
