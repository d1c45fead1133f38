#!/usr/bin/env python3
"""Folds an ONNX model's block-quantized weights into plain fp32 weights.

OpenCV Zoo's int8bq models (SFace, YuNet) keep each weight as int8 with one
scale and zero point per block, and dequantize it in the graph
(DequantizeLinear with a block_size, opset 21), which OpenCV 4.6 cannot
parse. This computes every such DequantizeLinear once, exactly as the
operator defines it in float32, and the Reshape that follows it, and stores
the results as initializers: the network is the same function with fp32
weights. The output is deterministic (setup pins its SHA-256).

Usage: fold-onnx.py IN.onnx OUT.onnx   (needs the onnx and numpy packages)
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

# The lowest opset whose operators mean what these graphs use them for; the
# graph keeps none of the opset-21 operators once folded.
TARGET_OPSET = 13


def dequantize(q, scale, zero, axis, block):
    """DequantizeLinear (opset 21) in float32, per-block along axis."""
    axis = axis % q.ndim
    if block > 0:
        scale = np.repeat(scale, block, axis=axis)
        zero = np.repeat(zero, block, axis=axis)
        idx = [slice(None)] * q.ndim
        idx[axis] = slice(0, q.shape[axis])
        scale, zero = scale[tuple(idx)], zero[tuple(idx)]
    elif scale.ndim == 1 and q.ndim > 1:
        shape = [1] * q.ndim
        shape[axis] = -1
        scale, zero = scale.reshape(shape), zero.reshape(shape)
    return ((q.astype(np.int32) - zero.astype(np.int32)).astype(np.float32) * scale.astype(np.float32)).astype(np.float32)


def fold(model):
    g = model.graph
    consts = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    keep = []
    folded = 0
    for n in g.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        if n.op_type == "DequantizeLinear" and all(x in consts for x in n.input):
            q = consts[n.input[0]]
            scale = consts[n.input[1]]
            zero = consts[n.input[2]] if len(n.input) > 2 and n.input[2] else np.zeros_like(scale, dtype=q.dtype)
            consts[n.output[0]] = dequantize(q, scale, zero, attrs.get("axis", 1), attrs.get("block_size", 0))
            folded += 1
            continue
        if n.op_type == "Reshape" and n.input[0] in consts and n.input[1] in consts and n.input[0].endswith("_dequantized"):
            consts[n.output[0]] = consts[n.input[0]].reshape(consts[n.input[1]].astype(np.int64))
            continue
        keep.append(n)
    if folded == 0:
        sys.exit("fold-onnx: no DequantizeLinear to fold")
    used = {x for n in keep for x in n.input}
    outputs = {o.name for o in g.output}
    names = [name for name in consts if name in used or name in outputs]
    inits = [numpy_helper.from_array(consts[name], name) for name in names]
    del g.node[:]
    g.node.extend(keep)
    del g.initializer[:]
    g.initializer.extend(inits)
    # Graph inputs no node reads are dropped (the quantizer left the original
    # weights' inputs dangling); those that are initializers (IR 3 style)
    # take the initializer's type.
    inputs = [i for i in g.input if i.name in used]
    init_names = set(names)
    for i in inputs:
        if i.name in init_names:
            t = consts[i.name]
            i.type.tensor_type.elem_type = helper.np_dtype_to_tensor_dtype(t.dtype)
            del i.type.tensor_type.shape.dim[:]
            for d in t.shape:
                i.type.tensor_type.shape.dim.add().dim_value = int(d)
    del g.input[:]
    g.input.extend(inputs)
    del model.opset_import[:]
    model.opset_import.extend([helper.make_opsetid("", TARGET_OPSET)])
    model.producer_name = "veriport fold-onnx"
    model.producer_version = "1"
    return folded


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    model = onnx.load(sys.argv[1])
    n = fold(model)
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[2])
    print(f"fold-onnx: {n} DequantizeLinear folded into fp32 weights -> {sys.argv[2]}", file=sys.stderr)


if __name__ == "__main__":
    main()
