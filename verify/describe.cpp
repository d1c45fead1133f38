// The live template maker: go-face's pipeline (HOG detector, 5-point
// predictor, 150 px face chip, ResNet descriptor) on pixels the caller
// already holds, with detection on a smaller grey copy. go-face takes only
// JPEG bytes and always runs its detector over the whole image it is given.
#include "baseline.h"
#include <cstring>
#include <exception>
#include <dlib/dnn.h>
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include "describe.h"

using namespace dlib;

// The network of dlib_face_recognition_resnet_model_v1.dat, as declared by
// dlib's dnn_face_recognition_ex.cpp (and go-face): the model file only
// loads into this exact type.
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual = add_prev1<block<N, BN, 1, tag1<SUBNET>>>;
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual_down = add_prev2<avg_pool<2, 2, 2, 2, skip1<tag2<block<N, BN, 2, tag1<SUBNET>>>>>>;
template <int N, template <typename> class BN, int stride, typename SUBNET>
using block = BN<con<N, 3, 3, 1, 1, relu<BN<con<N, 3, 3, stride, stride, SUBNET>>>>>;
template <int N, typename SUBNET> using ares = relu<residual<block, N, affine, SUBNET>>;
template <int N, typename SUBNET> using ares_down = relu<residual_down<block, N, affine, SUBNET>>;
template <typename SUBNET> using alevel0 = ares_down<256, SUBNET>;
template <typename SUBNET> using alevel1 = ares<256, ares<256, ares_down<256, SUBNET>>>;
template <typename SUBNET> using alevel2 = ares<128, ares<128, ares_down<128, SUBNET>>>;
template <typename SUBNET> using alevel3 = ares<64, ares<64, ares<64, ares_down<64, SUBNET>>>>;
template <typename SUBNET> using alevel4 = ares<32, ares<32, ares<32, SUBNET>>>;
using anet_type = loss_metric<fc_no_bias<
    128, avg_pool_everything<alevel0<alevel1<alevel2<alevel3<alevel4<
             max_pool<3, 3, 2, 2, relu<affine<con<32, 7, 7, 2, 2, input_rgb_image_sized<150>>>>>>>>>>>>>;

// go-face's face chip: 150 px, a quarter of padding.
static const unsigned long chip_size = 150;
static const double chip_padding = 0.25;

struct vp_desc {
	frontal_face_detector detector;
	shape_predictor predictor;
	anet_type net;
};

static void set_err(char *err, int errlen, const char *msg) {
	std::strncpy(err, msg, errlen - 1);
	err[errlen - 1] = 0;
}

vp_desc *vp_desc_open(const char *sp_path, const char *net_path, char *err, int errlen) {
	vp_desc *d = nullptr;
	try {
		d = new vp_desc;
		d->detector = get_frontal_face_detector();
		deserialize(sp_path) >> d->predictor;
		deserialize(net_path) >> d->net;
		// The first pass allocates the network's buffers.
		matrix<rgb_pixel> chip(chip_size, chip_size);
		assign_all_pixels(chip, rgb_pixel(128, 128, 128));
		matrix<float, 0, 1> warm = d->net(chip);
		(void)warm;
		return d;
	} catch (const std::exception &e) {
		delete d;
		set_err(err, errlen, e.what());
		return nullptr;
	}
}

void vp_desc_close(vp_desc *d) { delete d; }

static matrix<rgb_pixel> rgb_matrix(const unsigned char *rgb, int w, int h) {
	matrix<rgb_pixel> img(h, w);
	std::memcpy(&img(0, 0), rgb, (size_t)w * h * 3);
	return img;
}

int vp_desc_find(vp_desc *d, const unsigned char *grey, int gw, int gh, const unsigned char *rgb, int w, int h,
                 double rgb_per_grey, long *rects, long *pts, int max) {
	try {
		array2d<unsigned char> g(gh, gw);
		std::memcpy(&g[0][0], grey, (size_t)gw * gh);
		std::vector<rectangle> found = d->detector(g);
		if (found.empty()) {
			return 0;
		}
		matrix<rgb_pixel> img = rgb_matrix(rgb, w, h);
		int n = (int)found.size();
		for (int i = 0; i < n && i < max; i++) {
			const rectangle &f = found[i];
			rectangle r(std::lround(f.left() * rgb_per_grey), std::lround(f.top() * rgb_per_grey),
			            std::lround((f.right() + 1) * rgb_per_grey) - 1, std::lround((f.bottom() + 1) * rgb_per_grey) - 1);
			rects[4 * i] = r.left();
			rects[4 * i + 1] = r.top();
			rects[4 * i + 2] = r.right();
			rects[4 * i + 3] = r.bottom();
			full_object_detection s = d->predictor(img, r);
			for (unsigned long k = 0; k < 5; k++) {
				pts[10 * i + 2 * k] = k < s.num_parts() ? s.part(k).x() : -1;
				pts[10 * i + 2 * k + 1] = k < s.num_parts() ? s.part(k).y() : -1;
			}
		}
		return n;
	} catch (const std::exception &) {
		return -1;
	}
}

int vp_desc_describe(vp_desc *d, const unsigned char *rgb, int w, int h, const long *rect, const long *pts,
                     float *descr) {
	try {
		matrix<rgb_pixel> img = rgb_matrix(rgb, w, h);
		std::vector<point> parts;
		for (int k = 0; k < 5; k++) {
			parts.push_back(point(pts[2 * k], pts[2 * k + 1]));
		}
		full_object_detection s(rectangle(rect[0], rect[1], rect[2], rect[3]), parts);
		matrix<rgb_pixel> chip;
		extract_image_chip(img, get_face_chip_details(s, chip_size, chip_padding), chip);
		matrix<float, 0, 1> v = d->net(chip);
		for (int i = 0; i < 128; i++) {
			descr[i] = v(i);
		}
		return 0;
	} catch (const std::exception &) {
		return -1;
	}
}
