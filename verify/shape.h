#ifdef __cplusplus
extern "C" {
#endif
typedef struct vp_shape vp_shape;
// vp_shape_open loads dlib's HOG face detector and the 5-point shape
// predictor at path; NULL on failure, with the reason in err (size errlen).
vp_shape *vp_shape_open(const char *path, char *err, int errlen);
void vp_shape_close(vp_shape *s);
// vp_shape_find finds up to max faces in the grey image (w x h, stride bytes
// a row) and their 5 landmarks: rects gets 4 longs a face (left, top,
// right, bottom), pts 10 (x, y of each point). Returns the number of faces
// found (which may exceed max; only max are written), or -1 on an error.
int vp_shape_find(vp_shape *s, const unsigned char *grey, int w, int h, int stride,
                  long *rects, long *pts, int max);
#ifdef __cplusplus
}
#endif
