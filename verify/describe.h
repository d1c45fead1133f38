#ifdef __cplusplus
extern "C" {
#endif
typedef struct vp_desc vp_desc;
// vp_desc_open loads dlib's HOG face detector, the 5-point shape predictor
// (sp_path) and the ResNet face descriptor (net_path), then runs the network
// once so that the first template costs no more than the next; NULL on
// failure, with the reason in err (size errlen).
vp_desc *vp_desc_open(const char *sp_path, const char *net_path, char *err, int errlen);
void vp_desc_close(vp_desc *d);
// vp_desc_find finds up to max faces with dlib's HOG detector in the grey
// image (gw x gh, tightly packed) and places each on the RGB image (w x h,
// 3 bytes a pixel, tightly packed), which shows the same scene scaled by
// rgb_per_grey; there it finds the 5 landmarks. rects gets 4 longs a face
// (left, top, right, bottom), pts 10 (x, y of each point), both in RGB
// pixels. Returns the number of faces found (which may exceed max; only max
// are written), or -1 on an error.
int vp_desc_find(vp_desc *d, const unsigned char *grey, int gw, int gh, const unsigned char *rgb, int w, int h,
                 double rgb_per_grey, long *rects, long *pts, int max);
// vp_desc_describe computes the 128-D descriptor of the face at rect (4
// longs) with landmarks pts (10 longs) on the RGB image, as go-face does:
// a 150 px face chip with 0.25 padding, through the ResNet. Returns 0, or
// -1 on an error.
int vp_desc_describe(vp_desc *d, const unsigned char *rgb, int w, int h, const long *rect, const long *pts,
                     float *descr);
#ifdef __cplusplus
}
#endif
